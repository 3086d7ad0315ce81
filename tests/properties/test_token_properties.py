"""Scanned ticket codes: any text, and real codes altered in any way, are either the very
ticket they were printed for or refused as not valid; never another ticket, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from kiosk import token as tokens
from kiosk.errors import InvalidTokenError
from kiosk.queue import QueueService
from kiosk.views import TicketView
from tests.properties.strategies import any_char, free_text

LATIN = "qwertyuiopasdfghjklzxcvbnm"
RUSSIAN = "йцукенгшщзфывапролдячсмить"  # the same keys under a Russian layout
KAZAKH_DIGITS: dict[str, str | int | None] = {
    "2": "ә",
    "3": "і",
    "4": "ң",
    "5": "ғ",
    "8": "ү",
    "9": "ұ",
    "0": "қ",
    "-": "ө",
}


def russian_layout(code: str) -> str:
    """The code as a USB scanner types it while a Russian keyboard layout is on."""
    return code.translate(str.maketrans(LATIN.upper(), RUSSIAN.upper()))


def kazakh_layout(code: str) -> str:
    """The same under a Kazakh layout: its digit row types Kazakh letters too."""
    return russian_layout(code).translate(str.maketrans(KAZAKH_DIGITS))


# Changes after which the code still names its ticket: what scanners and people do to it.
SAME_CODE = {
    "lower case": str.lower,
    "spaces around": lambda code: f"  {code}\n",
    "Russian layout": russian_layout,
    "Kazakh layout": kazakh_layout,
}


@st.composite
def altered(draw: st.DrawFn, code: str) -> tuple[str, str]:
    """A change to ``code``: one that keeps its meaning, or one that may break it."""
    kind = draw(st.sampled_from([*SAME_CODE, "replace", "insert", "delete", "id", "cut"]))
    if kind in SAME_CODE:
        return kind, SAME_CODE[kind](code)
    at = draw(st.integers(0, len(code) - 1))
    if kind == "replace":
        return kind, code[:at] + draw(any_char) + code[at + 1 :]
    if kind == "insert":
        return kind, code[:at] + draw(any_char) + code[at:]
    if kind == "delete":
        return kind, code[:at] + code[at + 1 :]
    if kind == "id":
        _, number, signature = code.split("-")
        other = draw(st.integers(0, 10**18 - 1).filter(lambda n: n != int(number)))
        return kind, f"K1-{other}-{signature}"
    return kind, code[:at]


BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
well_formed = st.builds(
    "K1-{}-{}".format,
    st.one_of(st.integers(0, 10**18 - 1), st.integers(0, 10**20)),
    st.one_of(
        st.text(st.sampled_from(BASE32), min_size=16, max_size=16),
        st.text(st.sampled_from(BASE32 + "018a"), min_size=15, max_size=17),
    ),
)
code_like = st.one_of(
    free_text, st.text(st.sampled_from("K1-0123456789" + BASE32), max_size=30), well_formed
)


@given(text=code_like)
def test_any_text_parses_as_a_code_or_is_refused(text: str) -> None:
    try:
        ticket_id, signature = tokens.parse(text)
    except InvalidTokenError:
        event("refused")
        return
    event("parsed")
    assert 0 <= ticket_id < 10**18 and len(signature) == 16


@pytest.fixture
def issued(queue: QueueService) -> list[TicketView]:
    return [queue.issue(code).ticket for code in ("ENT-REG", "LAND-1")]


@given(data=st.data())
def test_an_altered_code_is_its_own_ticket_or_refused(
    queue: QueueService, issued: list[TicketView], data: st.DataObject
) -> None:
    ticket: TicketView = data.draw(st.sampled_from(issued), label="ticket")
    kind, scanned = data.draw(altered(ticket.token), label="scanned")
    try:
        found = queue.verify_token(scanned)
    except InvalidTokenError:
        event(f"{kind}: refused")
        assert kind not in SAME_CODE, f"{scanned!r} ({kind}) is the same code, refused"
        return
    event(f"{kind}: its own ticket")
    assert found.id == ticket.id, f"{scanned!r} ({kind}) verified as ticket {found.id}"
