"""The core's refusals carry a message id and values: English for the command line, and the
screen's language, words included, for a window."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.errors import InvalidTransitionError, KezekError, SignInError
from kiosk.i18n import N_, Phrase, gettext_for
from kiosk.models import DeskState, TicketStatus
from kiosk.queue import QueueService
from kiosk.words import DESK_STATE_WORDS, STATUS_WORDS


def refusal(call: Callable[[], object]) -> KezekError:
    with pytest.raises(KezekError) as caught:
        call()
    return caught.value


def test_a_desk_state_inside_a_message_is_translated_too(queue: QueueService) -> None:
    queue.pause("D2", reason="lunch")
    error = refusal(lambda: queue.pause("D2", reason="lunch"))
    assert isinstance(error, InvalidTransitionError)
    assert str(error) == "Desk D2 is already paused."
    assert error.translated("ru") == "Окно D2 уже в состоянии «перерыв»."
    assert error.translated("kk") == "D2 терезесі қазірдің өзінде «үзілісте» күйінде."


def test_a_ticket_s_status_step_and_allowed_states_are_all_translated(
    queue: QueueService,
) -> None:
    queue.issue("ENT-REG")
    queue.call_next("D1")
    queue.start("D1")
    error = refusal(lambda: queue.recall("D1"))
    assert str(error) == (
        "Ticket A-001 is serving and cannot be recalled (only a called ticket can)."
    )
    assert error.translated("ru") == (
        "Талон A-001 в состоянии «обслуживается», его нельзя перевести в «вызван повторно» "
        "(можно только талон в состоянии вызван)."
    )
    queue.complete("D1")
    served = queue.find("A-001")
    error = refusal(lambda: queue.cancel(served.id))
    assert "(only a waiting or called ticket can)" in str(error)
    assert "(можно только талон в состоянии ожидает или вызван)" in error.translated("ru")
    error = refusal(lambda: queue.return_to_queue("D1"))
    assert error.translated("kk") == "D1 терезесінде ағымдағы талон жоқ. Алдымен талон шақырыңыз."


def test_a_list_of_states_is_joined_in_the_screen_s_language() -> None:
    error = InvalidTransitionError(
        N_("Ticket {ticket} is {status} and cannot be {action} (only a {allowed} ticket can)."),
        ticket="A-001",
        status=Phrase(N_("done")),
        action=Phrase(N_("returned to the queue")),
        allowed=Phrase(N_("{first} or {second}"), first=Phrase("called"), second=Phrase("serving")),
    )
    assert str(error) == (
        "Ticket A-001 is done and cannot be returned to the queue "
        "(only a called or serving ticket can)."
    )
    assert error.translated("kk") == (
        "A-001 талоны «аяқталды» күйінде, оны «кезекке қайтарылды» күйіне өткізу мүмкін емес "
        "(тек шақырылды немесе қызмет көрсетілуде күйіндегі талонды ғана)."
    )


def test_a_window_s_gettext_function_gives_the_same_text_as_its_language() -> None:
    error = SignInError(N_("Wrong login or PIN. {left} tries left."), left=2)
    assert error.message_for(gettext_for("kk")) == error.translated("kk")
    assert error.translated("kk") == "Логин немесе PIN-код қате. Тағы 2 рет енгізуге болады."
    assert str(error) == "Wrong login or PIN. 2 tries left."


def test_a_message_without_values_keeps_its_braces() -> None:
    assert str(KezekError("use {braces} as they are")) == "use {braces} as they are"


def test_every_status_and_desk_state_has_a_word() -> None:
    assert set(STATUS_WORDS) == set(TicketStatus)
    assert set(DESK_STATE_WORDS) == set(DeskState)
    for lang in ("kk", "ru"):
        tr = gettext_for(lang)
        untranslated = [
            w for w in (*STATUS_WORDS.values(), *DESK_STATE_WORDS.values()) if tr(w) == w
        ]
        assert untranslated == []
