"""The open data names no one: k-anonymous visit rows, no rating that points at an officer,
small cells withheld, a valid Frictionless package, kept apart from the internal tables."""

from __future__ import annotations

import csv
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import frictionless
import pytest
import sqlalchemy as sa

from kiosk import schema
from kiosk.clock import FixedClock
from kiosk.feedback import rate
from kiosk.hall import parse_hall
from kiosk.open_data import WITHHELD, Rules, build_package, write_package
from kiosk.open_data.anonymise import (
    CONTEXT_COLUMNS,
    OFFICER_COLUMNS,
    VISIT_COLUMNS,
    WAIT_BANDS,
    allowed_contexts,
    apply_officer_rule,
    band,
    coarse_row,
    context_of,
    k_anonymise,
    officer_rule_allows,
    part_of_day,
    suppress_cells,
    withhold,
)
from kiosk.queue import QueueService
from kiosk.stats.open_data import VisitDetail, visit_details
from kiosk.store import Store
from tests.conftest import small_hall

# Three Mondays (the small hall opens on Mondays only), in Asia/Almaty (UTC+5).
MONDAYS = (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16))
FIRST, LAST = MONDAYS[0], MONDAYS[-1] + timedelta(days=6)
OFFICERS = {
    "aabenova": "Ainur Abenova",
    "bbekov": "Bolat Bekov",
    "cserikova": "Dana Serikova",
    "dnurlanov": "Daniyar Nurlanov",
}
# Who sits at the two ENT desks each hour: three officers share the entrepreneurship
# services; dnurlanov alone serves LAND-1 at D3 all day.
ENT_ROTA = (("aabenova", "bbekov"), ("cserikova", "aabenova"), ("bbekov", "cserikova"))


def k_of(path: Path) -> int:
    """k of a CSV file: how many times its rarest data row occurs (0 for no rows)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [tuple(row) for row in csv.reader(f)][1:]
    return min(Counter(rows).values(), default=0)


def assert_k_anonymous(path: Path, k: int = 5) -> None:
    """Every data row of ``path`` is identical to at least ``k - 1`` others."""
    found = k_of(path)
    assert found >= k, f"{path.name}: a row occurs only {found} times (k < {k})"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# -- a history built through QueueService ---------------------------------------------------


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 5, minute, tzinfo=UTC)


def serve(
    queue: QueueService,
    clock: FixedClock,
    desk: str,
    moment: datetime,
    stars: int | None,
    reason: str | None = None,
    outcome: str = "resolved",
) -> None:
    """``desk`` calls at ``moment``, starts a minute later and completes 2-4 minutes on."""
    clock.now = moment
    called = queue.call_next(desk)
    assert called is not None, f"{desk} called nobody"
    clock.now = moment + timedelta(minutes=1)
    queue.start(desk)
    clock.now = moment + timedelta(minutes=3 + (stars or 0) % 3)
    queue.complete(desk, outcome=outcome)
    if stars is not None:
        rate(queue, called.display, stars, reason, "en")


def build_history(queue: QueueService, clock: FixedClock) -> None:
    """Eight hours on each of three Mondays: 5 ENT-REG, 1 ENT-SUP and 2 LAND-1 tickets an
    hour (one LAND-1 ticket with priority every other hour), all served. D1 and D2 serve
    ENT with officers rotating hourly; D3 serves LAND-1 with dnurlanov alone, whose
    visitors rate 1 star, "rude" every other time."""
    n = 0
    for day in MONDAYS:
        clock.now = local(day, 8, 55)
        if day == MONDAYS[0]:
            for desk in ("D1", "D2", "D3"):
                queue.close_desk(desk)
        queue.sign_in("dnurlanov", "4444", desk_code="D3")
        for hour in range(9, 17):
            clock.now = local(day, hour)
            if hour > 9:
                queue.sign_out("D1")
                queue.sign_out("D2")
            d1, d2 = ENT_ROTA[hour % 3]
            queue.sign_in(d1, "1111", desk_code="D1")
            queue.sign_in(d2, "1111", desk_code="D2")
            for _ in range(5):
                queue.issue("ENT-REG")
            queue.issue("ENT-SUP")
            priority = hour % 2
            queue.issue(
                "LAND-1", priority=priority, priority_reason="disability" if priority else None
            )
            queue.issue("LAND-1")
            for slot in range(3):
                n += 1
                start = local(day, hour, 1 + 20 * slot)
                # D2 (ENT-REG only) first, so that D1 is left the ENT-SUP visitor.
                serve(
                    queue,
                    clock,
                    "D2",
                    start,
                    5 if n % 3 else None,
                    outcome="documents_missing" if n % 5 == 0 else "resolved",
                )
                serve(queue, clock, "D1", start + timedelta(minutes=6), 5)
                if slot < 2:
                    reason = "rude" if n % 2 else "waited_too_long"
                    serve(queue, clock, "D3", start + timedelta(minutes=12), 1, reason)
        clock.now = local(day, 18)
        for desk in ("D1", "D2", "D3"):
            queue.sign_out(desk)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def history(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The three Mondays, built once per store for the whole module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('open') / 'kezek.db'}"
        drop = None
    else:
        base = request.getfixturevalue("pg_database")
        name = f"t_open_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
        url = f"{base}?options=-csearch_path%3D{name}"
        drop = (admin, name)
    clock = FixedClock(local(MONDAYS[0], 8))
    store = Store(url)
    schema.upgrade(store)
    queue = QueueService(store, clock=clock)
    queue.load_hall(parse_hall(small_hall()))
    for login, name in OFFICERS.items():
        queue.add_staff(
            login, name=name, role="officer", pin="4444" if login == "dnurlanov" else "1111"
        )
    build_history(queue, clock)
    try:
        yield store
    finally:
        queue.close()
        if drop is not None:
            admin, name = drop
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
            admin.dispose()


@pytest.fixture(scope="module")
def package_dir(history: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("package")
    write_package(build_package(history, FIRST, LAST), folder)
    return folder


# -- the rules, on rows made here ------------------------------------------------------------


def detail(**changes: Any) -> VisitDetail:
    base = VisitDetail(
        day=date(2026, 11, 2), hour=10, agency="ENT", service="ENT-REG", first_service="ENT-REG",
        transfers=0, priority=False, result="served", waited_min=4.0, served_min=12.0,
        outcome="resolved", rating=5, rating_reason=None, within_target=True,
        officer="staff:1", simulated=False,
    )  # fmt: skip
    return base._replace(**changes)


def test_bands_and_parts_of_the_day_hold_their_upper_edges() -> None:
    assert [band(m, WAIT_BANDS) for m in (0.0, 5.0, 5.1, 15.0, 30.0, 30.1)] == [
        "0-5", "0-5", "5-15", "5-15", "15-30", "30+",
    ]  # fmt: skip
    assert band(None, WAIT_BANDS) == ""
    assert [part_of_day(h) for h in (8, 11, 12, 13, 14, 19)] == [
        "morning", "morning", "midday", "midday", "afternoon", "afternoon",
    ]  # fmt: skip


def test_a_visit_is_coarsened_to_week_part_of_day_and_bands() -> None:
    row = dict(zip(VISIT_COLUMNS, coarse_row(detail(day=date(2026, 11, 5), hour=15)), strict=True))
    assert row == {
        "month": "2026-11",
        "week": "2026-11-02",
        "part_of_day": "afternoon",
        "agency": "ENT",
        "service": "ENT-REG",
        "priority": "false",
        "transferred": "false",
        "result": "served",
        "wait_band": "0-5",
        "within_target": "true",
        "service_band": "10-20",
        "outcome": "resolved",
        "rating": "5",
        "rating_reason": "",
    }
    cancelled = coarse_row(detail(result="cancelled", waited_min=40.0, served_min=None,
                                  outcome=None, rating=None, within_target=False))  # fmt: skip
    assert dict(zip(VISIT_COLUMNS, cancelled, strict=True))["wait_band"] == ""


@pytest.mark.parametrize(
    ("served_by", "allowed"),
    [
        ({"a": 10}, False),
        ({"a": 5, "b": 5}, False),  # two officers: each knows the other's ratings
        ({"a": 6, "b": 2, "c": 2}, False),  # one served more than half
        ({"a": 45, "b": 45, "c": 10}, False),  # b can take away their own: the rest is a's
        ({"a": 5, "b": 5, "c": 1}, False),
        ({"a": 4, "b": 4, "c": 2}, True),
        ({"a": 4, "b": 3, "c": 3}, True),
    ],
)
def test_the_officer_rule(served_by: dict[str, int], allowed: bool) -> None:
    assert officer_rule_allows(served_by, Rules()) is allowed


def test_a_service_one_officer_serves_keeps_no_rating() -> None:
    alone = coarse_row(detail(service="LAND-1", agency="LAND", rating=1, rating_reason="rude"))
    shared = coarse_row(detail())
    served_by = {
        context_of(alone): Counter({"staff:9": 6}),
        context_of(shared): Counter({"staff:1": 2, "staff:2": 2, "staff:3": 2}),
    }
    rows, changed = apply_officer_rule({alone: 6, shared: 6}, allowed_contexts(served_by, Rules()))
    assert changed == 6
    assert rows == {withhold(alone, ("rating", "rating_reason", "service_band")): 6, shared: 6}
    assert dict(zip(VISIT_COLUMNS, shared, strict=True))["rating"] == "5"


def test_k_anonymise_leaves_every_row_with_four_twins_and_counts_the_rest() -> None:
    # 30 identical visits, and 7 that each differ from them in one or more ways.
    common = coarse_row(detail(rating=None))
    odd = [
        coarse_row(detail(rating=None, hour=13)),
        coarse_row(detail(rating=None, day=date(2026, 11, 9))),
        coarse_row(detail(rating=None, priority=True)),
        coarse_row(detail(rating=None, waited_min=45.0, within_target=False)),
        coarse_row(detail(rating=2, rating_reason="rude")),
        coarse_row(detail(rating=None, agency="LAND", service="LAND-1")),
        coarse_row(detail(rating=None, result="no_show", served_min=None, outcome=None)),
    ]
    result = k_anonymise([common] * 30 + odd, 5)
    assert len(result.rows) + result.suppressed == 37
    assert result.smallest_group is not None and result.smallest_group >= 5
    assert result.rows.count(common) == 30, "a group of five or more is never touched"
    # The lone LAND visit cannot hide in any group of ENT visits: it is left out.
    assert result.suppressed >= 1
    assert not any(row[VISIT_COLUMNS.index("agency")] == "LAND" for row in result.rows)


def test_small_counts_are_withheld_and_cannot_be_worked_back() -> None:
    counts = {"visits": 20, "served": 13, "no_shows": 3, "cancelled": 4, "other": 0, "priority": 2}
    shown = suppress_cells(counts, [("visits", ("served", "no_shows", "cancelled", "other"))], 5)
    assert shown == {
        "visits": 20,
        "served": 13,
        "no_shows": None,
        "cancelled": None,
        "other": 0,
        "priority": None,
    }
    # One small part beside a total: the smallest other non-zero part goes too.
    shown = suppress_cells({"visits": 9, "served": 6, "no_shows": 3, "other": 0},
                           [("visits", ("served", "no_shows", "other"))], 5)  # fmt: skip
    assert shown == {"visits": 9, "served": None, "no_shows": None, "other": 0}


# -- the package of a real history ------------------------------------------------------------


def test_the_package_validates_as_a_frictionless_data_package(package_dir: Path) -> None:
    report = frictionless.validate(str(package_dir / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["period"] == {"start": FIRST.isoformat(), "end": LAST.isoformat()}
    assert descriptor["hall"]["name"]["kk"] == "Test hall kk"
    names = {r["name"] for r in descriptor["resources"]}
    assert names == {"visits", "service_weeks", "ratings", "agencies", "services"}
    for resource in descriptor["resources"]:
        assert (package_dir / resource["path"]).is_file()
        with (package_dir / resource["path"]).open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert header == [field["name"] for field in resource["schema"]["fields"]]
        for field in resource["schema"]["fields"]:
            assert set(field["descriptions"]) == {"kk", "ru", "en"}, field["name"]
            assert all(field["descriptions"].values()), field["name"]
    method = descriptor["anonymisation"]["method"]
    assert set(method) == {"kk", "ru", "en"}


def test_every_visit_row_is_shared_by_at_least_five(history: Store, package_dir: Path) -> None:
    visits = package_dir / "visits.csv"
    assert_k_anonymous(visits)
    figures = json.loads((package_dir / "datapackage.json").read_text())["anonymisation"]
    rows = read_rows(visits)
    issued = len(list(visit_details(history, FIRST, LAST)))
    assert issued == 3 * 8 * 8
    assert figures["visits"] == issued
    assert figures["rows"] == len(rows) and figures["rows"] + figures["rows_suppressed"] == issued
    assert figures["smallest_group"] == k_of(visits) >= 5
    assert len(rows) > issued / 2, "most visits are published"


def test_the_k_check_fails_on_rows_that_were_not_coarsened(history: Store, tmp_path: Path) -> None:
    raw = tmp_path / "raw.csv"
    with raw.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(VisitDetail._fields)
        for visit in visit_details(history, FIRST, LAST):
            writer.writerow(visit)
    assert k_of(raw) < 5
    with pytest.raises(AssertionError, match="k < 5"):
        assert_k_anonymous(raw)
    # Coarsened but not k-anonymised, the rows still single visitors out.
    coarse = tmp_path / "coarse.csv"
    with coarse.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [VISIT_COLUMNS, *map(coarse_row, visit_details(history, FIRST, LAST))]
        )
    assert k_of(coarse) < 5


def test_nothing_names_or_points_at_anyone(history: Store, package_dir: Path) -> None:
    files = {p.name: p.read_text(encoding="utf-8") for p in package_dir.iterdir()}
    assert set(files) == {
        "datapackage.json",
        "README.md",
        "visits.csv",
        "service_weeks.csv",
        "ratings.csv",
        "agencies.csv",
        "services.csv",
    }
    people = (*OFFICERS, *OFFICERS.values(), "D1", "D2", "D3", "Desk 1")
    for name, text in files.items():
        for personal in people:
            assert personal not in text, (name, personal)
        if name.endswith(".csv"):
            for detail in ("A-001", "L-001", "disability", "priority_reason", "login"):
                assert detail not in text, (name, detail)
    visits = read_rows(package_dir / "visits.csv")
    assert set(visits[0]) == set(VISIT_COLUMNS)
    # dnurlanov alone serves LAND-1: no rating, reason or service time of it is published,
    # and none of his "rude" ratings appears anywhere at all.
    land = [v for v in visits if v["agency"] == "LAND" and v["result"] == "served"]
    assert land, "LAND visits are published, without what judges their officer"
    assert {(v["rating"], v["rating_reason"], v["service_band"]) for v in land} == {
        (WITHHELD, WITHHELD, WITHHELD)
    }
    assert "rude" not in {v["rating_reason"] for v in visits}
    ratings = read_rows(package_dir / "ratings.csv")
    assert "LAND" not in {r["agency"] for r in ratings}
    assert all(
        r["reason_rude"] in ("0", WITHHELD) or r["group"] == "other_agencies" for r in ratings
    )


def test_every_published_rating_has_three_officers_behind_it(
    history: Store, package_dir: Path
) -> None:
    details = list(visit_details(history, FIRST, LAST))
    context = [
        dict(zip(CONTEXT_COLUMNS, (c for c in coarse_row(v)[:5]), strict=True)) for v in details
    ]
    rated = [v for v in read_rows(package_dir / "visits.csv") if v["rating"] not in ("", WITHHELD)]
    assert rated, "some ratings of the shared ENT desks are published"
    for row in rated:
        served_by = Counter(
            v.officer
            for v, ctx in zip(details, context, strict=True)
            if v.officer and all(row[c] in (WITHHELD, ctx[c]) for c in CONTEXT_COLUMNS)
        )
        largest = sorted(served_by.values(), reverse=True)
        assert len(largest) >= 3, row
        assert largest[0] <= 0.5 * served_by.total(), row
        assert largest[0] + largest[1] <= 0.85 * served_by.total(), row
    for row in read_rows(package_dir / "visits.csv"):
        if row["result"] == "served" and row["service"] == "LAND-1":
            assert all(row[c] == WITHHELD for c in OFFICER_COLUMNS)


def test_aggregate_cells_under_five_are_withheld(package_dir: Path) -> None:
    weeks = read_rows(package_dir / "service_weeks.csv")
    assert len(weeks) == 3 * 3  # three weeks of three services
    counts = [
        c for c in weeks[0] if c not in ("week", "agency", "service") and not c.endswith("_min")
    ]
    for row in weeks:
        for column in counts:
            assert row[column] == WITHHELD or row[column] == "0" or int(row[column]) >= 5, (
                row,
                column,
            )
    # ENT-SUP: one visit an hour, eight a Monday, all served by D1: shown in full.
    sup = [r for r in weeks if r["service"] == "ENT-SUP"]
    assert {r["visits"] for r in sup} == {"8"} and {r["served"] for r in sup} == {"8"}
    # LAND-1: 16 visits a Monday, 4 of them with priority: a small cell.
    land = [r for r in weeks if r["service"] == "LAND-1"]
    assert {(r["visits"], r["served"], r["priority"]) for r in land} == {("16", "16", WITHHELD)}
    for row in read_rows(package_dir / "ratings.csv"):
        for column, value in row.items():
            if column not in ("group", "agency", "service_median_min"):
                assert value in (WITHHELD, "0") or int(value) >= 5, (row, column)


def test_a_period_with_no_visits_gives_an_empty_valid_package(
    history: Store, tmp_path: Path
) -> None:
    package = build_package(history, date(2026, 1, 5), date(2026, 1, 11))
    write_package(package, tmp_path)
    assert package.figures == {
        "k": 5,
        "visits": 0,
        "rows": 0,
        "rows_suppressed": 0,
        "smallest_group": None,
    }
    assert (tmp_path / "visits.csv").read_text(encoding="utf-8").count("\n") == 1
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid


def test_simulated_visits_are_flagged_in_every_language(queue: QueueService) -> None:
    queue.issue("ENT-REG", source="sim-kiosk")
    queue.issue("ENT-REG")
    monday = queue.today()
    descriptor = build_package(queue.store, monday, monday).descriptor
    assert descriptor["simulated_visits"] == 1
    assert descriptor["descriptions"]["en"].endswith(
        "1 of these visits are simulated, not for publication."
    )
    assert "1 келу модельденген" in descriptor["descriptions"]["kk"]
    assert "1 из этих визитов смоделированы" in descriptor["descriptions"]["ru"]
