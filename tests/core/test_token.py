"""Signed QR tokens: verified by the hall that issued them, refused when forged."""

from __future__ import annotations

import pytest

from kiosk.errors import InvalidTokenError
from kiosk.queue import QueueService


def test_a_tickets_token_verifies_to_that_ticket(queue: QueueService) -> None:
    ticket = queue.issue("ENT-REG").ticket
    assert queue.verify_token(ticket.token).id == ticket.id
    assert queue.verify_token(ticket.token.lower()).id == ticket.id, "scanners may send lower case"


def test_an_altered_ticket_id_is_refused(queue: QueueService) -> None:
    first = queue.issue("ENT-REG").ticket
    second = queue.issue("ENT-REG").ticket
    forged = first.token.replace(f"-{first.id}-", f"-{second.id}-")
    with pytest.raises(InvalidTokenError, match="forged or altered"):
        queue.verify_token(forged)


def test_a_made_up_signature_or_garbage_is_refused(queue: QueueService) -> None:
    ticket = queue.issue("ENT-REG").ticket
    signature = ticket.token.rsplit("-", 1)[1]
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    with pytest.raises(InvalidTokenError, match="forged or altered"):
        queue.verify_token(ticket.token.rsplit("-", 1)[0] + "-" + flipped)
    with pytest.raises(InvalidTokenError, match="not a Kezek ticket code"):
        queue.verify_token("https://example.com/?t=1")
    with pytest.raises(InvalidTokenError, match="no such ticket"):
        queue.verify_token(f"K1-999999-{signature}")


def test_another_halls_token_is_refused(
    store_url: str, queue: QueueService, tmp_path: object
) -> None:
    from kiosk import token

    ticket = queue.issue("ENT-REG").ticket
    other = token.sign(token.new_secret(), ticket.id, ticket.day, ticket.display)
    with pytest.raises(InvalidTokenError, match="forged or altered"):
        queue.verify_token(other)


def test_a_code_typed_by_a_scanner_under_a_russian_or_kazakh_layout_is_read(
    queue: QueueService,
) -> None:
    from kiosk.token import normalise_scan

    ticket = queue.issue("ENT-REG").ticket
    latin = "qwertyuiopasdfghjklzxcvbnm"
    russian = "йцукенгшщзфывапролдячсмить"
    kazakh_digits = {"2": "ә", "3": "і", "4": "ң", "5": "ғ", "8": "ү", "9": "ұ", "0": "қ", "-": "ө"}
    as_russian = "".join(
        russian[latin.index(c.lower())].upper() if c.isalpha() else c for c in ticket.token
    )
    as_kazakh = "".join(kazakh_digits.get(c, c) for c in as_russian)
    assert normalise_scan(as_kazakh) == ticket.token
    assert queue.verify_token(as_russian).id == ticket.id
    assert queue.verify_token(as_kazakh).id == ticket.id
