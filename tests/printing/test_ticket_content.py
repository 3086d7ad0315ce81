"""What the ticket says: hall content in the visitor's language, local time, fixed labels."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.printing import samples


def test_names_come_from_the_hall_in_the_visitors_language() -> None:
    kk = samples.content("kk")
    assert (kk.hall_name, kk.service_name, kk.agency_name) == (
        samples.HALL["kk"],
        samples.SERVICE["kk"],
        samples.AGENCY["kk"],
    )
    assert kk.documents == tuple(samples.DOCUMENTS["kk"])
    ru = samples.content("ru")
    assert (ru.hall_name, ru.service_name) == (samples.HALL["ru"], samples.SERVICE["ru"])
    assert ru.documents == ("Удостоверение личности", "Правоустанавливающий документ на участок")


def test_number_token_and_id_are_the_tickets() -> None:
    content = samples.content()
    assert (content.display, content.token, content.ticket_id) == ("E-012", samples.TOKEN, 1234)
    assert content.day.isoformat() == "2026-11-27"


def test_issue_time_is_shown_in_the_halls_time_zone() -> None:
    # 05:42 UTC is 10:42 in Almaty; 20:30 UTC is already the next day there.
    assert samples.content().issued_at_text == "27.11.2026 10:42"
    late = samples.content(issued_at=datetime(2026, 11, 27, 20, 30, tzinfo=UTC))
    assert late.issued_at_text == "28.11.2026 01:30"


def test_sqlite_naive_times_are_read_as_utc() -> None:
    naive = samples.content(issued_at=datetime(2026, 11, 27, 5, 42))
    assert naive.issued_at_text == "27.11.2026 10:42"


def test_people_ahead_and_wait_are_spelled_out() -> None:
    content = samples.content("en", people_ahead=7, wait_min=35)
    assert (content.people_ahead, content.wait_min) == (7, 35)
    assert content.people_ahead_text == "People ahead: 7"
    # The number is glued to its unit with a no-break space so a wrap never splits them.
    assert content.wait_text == "Estimated wait: about 35\u00a0min"


def test_nobody_ahead_says_so_and_shows_no_wait() -> None:
    content = samples.content("en", people_ahead=0, wait_min=0)
    assert content.people_ahead_text == "You are next in line"
    assert content.wait_text == ""


def test_fixed_labels_are_filled_in() -> None:
    content = samples.content("en")
    assert content.documents_label == "Please bring:"
    assert content.wait_hint == "Please wait for your number on the screen"
    assert content.keep_hint == "Keep this ticket until you are served"
    assert content.priority_label == "Priority"


def test_priority_is_a_flag_of_any_positive_priority() -> None:
    assert not samples.content(priority=0).priority
    assert samples.content(priority=2).priority


def test_missing_documents_in_one_language_fall_back_to_another() -> None:
    content = samples.content("kk", documents={"ru": ["Паспорт"], "en": ["Passport"]})
    assert content.documents == ("Паспорт",)
    assert samples.content("kk", documents={}).documents == ()


def test_a_service_no_longer_offered_shows_its_code() -> None:
    content = samples.content(service_code="GONE", agency_code="OLD")
    assert (content.service_name, content.agency_name, content.documents) == ("GONE", "OLD", ())
