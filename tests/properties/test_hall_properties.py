"""Any value in any position of a hall file: it loads, or every problem is named (exit 2);
never a traceback, another exit code, or a hall that one store keeps and the other refuses."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from kiosk.errors import HallFileError
from kiosk.hall import HallConfig, load_hall, parse_hall
from kiosk.queue import QueueService
from tests.conftest import small_hall
from tests.properties.strategies import free_text, toml_document, toml_key, toml_value
from ui import cli as top_cli


def containers(node: Any) -> Iterator[dict[str, Any] | list[Any]]:
    """Every table and array of a parsed hall file, the document itself first."""
    if isinstance(node, dict | list):
        yield node
        for child in node.values() if isinstance(node, dict) else node:
            yield from containers(child)


@st.composite
def mutated_hall(draw: st.DrawFn, values: st.SearchStrategy[Any] = toml_value) -> dict[str, Any]:
    """The small hall with one to three keys set to any value, removed, or added."""
    raw = copy.deepcopy(small_hall())
    for _ in range(draw(st.integers(1, 3))):
        node = draw(st.sampled_from(list(containers(raw))))
        if isinstance(node, dict):
            action = draw(st.sampled_from(["replace", "add", "delete"]))
            if action == "delete" and node:
                del node[draw(st.sampled_from(sorted(node)))]
            else:
                known = action == "replace" and node
                key = draw(st.sampled_from(sorted(node)) if known else toml_key)
                node[key] = draw(values)
        elif node and draw(st.booleans()):
            node[draw(st.integers(0, len(node) - 1))] = draw(values)
        else:
            node.append(draw(values))
    return raw


# Text a store keeps, of any length around the zone's limit: most halls made with it load.
plain_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=40
)
# Where a hall file's text goes into the store as it is written (codes follow a pattern).
KEPT_AS_WRITTEN = {"kk", "ru", "en", "zone", "timezone"}


@st.composite
def renamed_hall(draw: st.DrawFn) -> dict[str, Any]:
    """The small hall with one or two of its names, labels or its zone made odd."""
    raw = copy.deepcopy(small_hall())
    raw["desks"][0]["zone"] = "A"
    texts = [
        (node, key)
        for node in containers(raw)
        if isinstance(node, dict)
        for key in node
        if key in KEPT_AS_WRITTEN and isinstance(node[key], str)
    ]
    # The zone is the one text with a column limit: it is picked half the time.
    zone = (raw["desks"][0], "zone")
    for _ in range(draw(st.integers(1, 2))):
        node, key = draw(st.sampled_from(texts + [zone] * len(texts)))
        node[key] = draw(st.one_of(plain_text, plain_text, free_text))
    return raw


def loads_or_names_its_problems(load: Any) -> HallConfig | None:
    """The hall ``load`` gives, or None when it refuses with every problem named."""
    refusal: HallFileError | None = None
    try:
        config: HallConfig = load()
    except HallFileError as exc:
        refusal = exc
    if refusal is None:
        event("loaded")
        return config
    assert refusal.problems and refusal.exit_code == 2
    assert all(p.startswith("hall.toml: ") and p.strip() for p in refusal.problems), refusal
    event("refused, every problem named")
    return None


@given(raw=mutated_hall())
def test_any_value_anywhere_loads_or_is_named(raw: dict[str, Any]) -> None:
    loads_or_names_its_problems(lambda: parse_hall(raw, source="hall.toml"))


@given(raw=mutated_hall())
def test_any_toml_file_loads_or_is_named(raw: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "hall.toml"
    path.write_text(toml_document(raw), encoding="utf-8")
    loads_or_names_its_problems(lambda: load_hall(path))


@given(raw=renamed_hall())
def test_a_hall_that_loads_is_kept_alike_on_both_stores(
    queue: QueueService, raw: dict[str, Any]
) -> None:
    """Whatever text a name, a zone or a code holds: if the file passes, every store keeps it."""
    config = loads_or_names_its_problems(lambda: parse_hall(raw, source="hall.toml"))
    if config is not None:
        queue.load_hall(config)
        assert {d.code for d in queue.snapshot().desks} == {d.code for d in config.desks}


@given(raw=mutated_hall())
def test_kezek_init_with_any_hall_file_exits_0_or_2(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: dict[str, Any]
) -> None:
    path = tmp_path / "hall.toml"
    path.write_text(toml_document(raw), encoding="utf-8")
    code = top_cli.main(["--db", store_url, "init", "--hall", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 2), err
    assert "Traceback" not in out + err
    if code == 2:
        assert err.startswith("The hall file has problems, nothing was changed:\n  hall.toml: ")
