"""The announcer: one call after another, the visitor's language first, never overlapping."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

import ui.announcer as announcer_module
from kiosk.spoken import estimate_seconds
from ui.announcer import Announcer
from ui.speech_queue import Announcement, Phrase, SpeechQueue


class RecordingEngine:
    """Says nothing; records what it was given and when, and takes ``seconds`` to do it."""

    name = "recording"

    def __init__(self, seconds: float = 0.03, langs: tuple[str, ...] = ("kk", "ru", "en")) -> None:
        self.seconds = seconds
        self.langs = langs
        self.said: list[Phrase] = []
        self.spans: list[tuple[str, float, float]] = []
        self.stopped = 0

    def can_say(self, phrase: Phrase) -> bool:
        return phrase.lang in self.langs

    def say(self, phrase: Phrase, done: Callable[[], None]) -> None:
        began = time.monotonic()
        self.said.append(phrase)

        def finish() -> None:
            self.spans.append((f"{phrase.lang}:{phrase.display}", began, time.monotonic()))
            done()

        QTimer.singleShot(int(self.seconds * 1000), finish)

    def stop(self) -> None:
        self.stopped += 1


class MuteEngine(RecordingEngine):
    """An engine that never reports the end of its phrase."""

    name = "mute"

    def say(self, phrase: Phrase, done: Callable[[], None]) -> None:
        self.said.append(phrase)


class FakeChime:
    """A chime that takes a moment and records when it played."""

    def __init__(self, spans: list[tuple[str, float, float]], seconds: float = 0.02) -> None:
        self.spans = spans
        self.seconds = seconds

    def play(self, done: Callable[[], None]) -> None:
        began = time.monotonic()

        def finish() -> None:
            self.spans.append(("chime", began, time.monotonic()))
            done()

        QTimer.singleShot(int(self.seconds * 1000), finish)

    def duration(self) -> float:
        return self.seconds


# -- the queue -----------------------------------------------------------------------------


def test_calls_in_a_burst_are_each_heard_in_their_own_language_and_never_overlap(
    qtbot: QtBot,
) -> None:
    engine = RecordingEngine(seconds=0.03)
    chime = FakeChime(engine.spans)
    announcer = Announcer(engines=[engine], chime=chime, pause_ms=5)
    finished: list[str] = []
    announcer.announcement_finished.connect(lambda item: finished.append(item.display))
    with qtbot.waitSignal(announcer.idle, timeout=10_000):
        for display, desk, lang in (
            ("A-001", "D1", "ru"),
            ("A-002", "D2", "en"),
            ("B-001", "D1", None),
        ):
            labels = {"kk": f"{desk}-терезе", "ru": desk, "en": desk}
            announcer.announce(display, desk, labels, lang=lang)
        assert announcer.pending() >= 2
    assert finished == ["A-001", "A-002", "B-001"]
    order = [name for name, _start, _end in engine.spans]
    # One chime for the burst; each call in its visitor's language while others wait;
    # the last one (no language chosen: the hall's order) in every language.
    assert order == ["chime", "ru:A-001", "en:A-002", "kk:B-001", "ru:B-001", "en:B-001"]
    for (_a, _s, end), (_b, start, _e) in itertools.pairwise(engine.spans):
        assert start >= end, "two parts were heard at once"
    assert not announcer.is_busy()


def test_the_best_engine_that_knows_the_language_speaks(qtbot: QtBot) -> None:
    russian_only = RecordingEngine(langs=("ru",))
    russian_only.name = "clips"
    fallback = RecordingEngine(langs=("kk", "ru"))
    announcer = Announcer(engines=[russian_only, fallback], use_chime=False, pause_ms=0)
    engines: list[tuple[str, str]] = []
    announcer.phrase_started.connect(lambda lang, _text, name: engines.append((lang, name)))
    with qtbot.waitSignal(announcer.idle, timeout=5_000):
        announcer.announce("A-001", "D1", {"kk": "1-терезе", "ru": "Окно 1", "en": "Desk 1"})
    assert engines == [("kk", "recording"), ("ru", "clips"), ("en", "silent")]


def test_a_stuck_engine_does_not_stop_the_queue(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(announcer_module, "SYNTHESIS_ALLOWANCE_S", -100.0)
    monkeypatch.setattr(announcer_module, "WATCHDOG_SLACK_S", 0.05)
    mute = MuteEngine(langs=("en",))
    announcer = Announcer(("en",), engines=[mute], use_chime=False, pause_ms=0)
    with qtbot.waitSignal(announcer.idle, timeout=5_000):
        announcer.announce("A-001", "D1", {"en": "Desk 1"})
        announcer.announce("A-002", "D1", {"en": "Desk 1"})
    assert [p.display for p in mute.said] == ["A-001", "A-002"]
    assert mute.stopped == 2


# -- the order of a busy hall ----------------------------------------------------------------


def item(display: str, *langs: str) -> Announcement:
    return Announcement(display, "D1", tuple(Phrase(lang, lang, display, "D1") for lang in langs))


def played(queue: SpeechQueue) -> list[str]:
    steps = []
    while (step := queue.next()) is not None:
        steps.append("chime" if step.phrase is None else f"{step.phrase.lang}:{step.item.display}")
    return steps


def test_a_quiet_hall_hears_the_chime_then_every_language_of_a_call() -> None:
    queue = SpeechQueue()
    queue.add(item("A-001", "ru", "kk", "en"))
    assert played(queue) == ["chime", "ru:A-001", "kk:A-001", "en:A-001"]
    assert not queue.busy()


def test_a_waiting_call_cuts_the_other_languages_of_the_one_before() -> None:
    queue = SpeechQueue()
    queue.add(item("A-001", "kk", "ru", "en"))
    assert queue.next() is not None  # the chime
    first = queue.next()
    assert first is not None and first.phrase is not None and first.phrase.lang == "kk"
    queue.add(item("B-002", "ru", "kk", "en"))  # made while A-001 is being said
    assert played(queue) == ["ru:B-002", "kk:B-002", "en:B-002"]


def test_a_call_that_ends_before_it_is_heard_is_not_said_and_a_recall_is_said_once() -> None:
    queue = SpeechQueue(chime=False)
    queue.add(item("A-001", "kk", "ru"))
    queue.next()
    queue.add(item("A-002", "kk", "ru"))
    queue.add(item("A-003", "kk", "ru"))
    queue.add(item("A-003", "kk", "ru"))  # recalled before its turn
    queue.withdraw("A-002")  # the visitor came meanwhile
    queue.withdraw("A-001")
    assert played(queue) == ["kk:A-003", "ru:A-003"]


class VirtualClock:
    """Seconds on a clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0


class ManualEngine(RecordingEngine):
    """An engine whose phrase ends when the test ends it; it logs when, on a virtual clock."""

    name = "manual"

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self.clock = clock
        self.playing: tuple[str, Callable[[], None]] | None = None
        self.heard: list[tuple[float, str]] = []

    def say(self, phrase: Phrase, done: Callable[[], None]) -> None:
        self.said.append(phrase)
        self.heard.append((self.clock.now, f"{phrase.lang}:{phrase.display}"))
        self.playing = (phrase.text, done)


class ManualChime:
    def __init__(self, engine: ManualEngine) -> None:
        self.engine = engine

    def play(self, done: Callable[[], None]) -> None:
        self.engine.heard.append((self.engine.clock.now, "chime"))
        self.engine.playing = ("", done)

    def duration(self) -> float:
        return CHIME_S


CHIME_S = 0.9  # resources/sounds/chime.wav
LATENCY_S = 0.6  # from the desk's click to the board (measured on a real hall)
PAUSE_S = 0.35  # announcer.PAUSE_MS


def test_a_second_call_is_heard_in_its_own_language_right_after_the_current_phrase(
    qtbot: QtBot,
) -> None:
    # A-005 (a Kazakh ticket) is called at 0 s; B-002 (a Russian ticket) 0.7 s later.
    # Each phrase lasts as long as a voice takes to say it (estimate_seconds).
    clock = VirtualClock()
    engine = ManualEngine(clock)
    announcer = Announcer(engines=[engine], chime=ManualChime(engine), pause_ms=0)
    labels = {"kk": "5-терезе", "ru": "Окно 5", "en": "Desk 5"}
    clock.now = LATENCY_S
    announcer.announce("A-005", "D5", labels, lang="kk")
    second_called_at, second_announced = 0.7, False
    while True:
        qtbot.waitUntil(lambda: engine.playing is not None or not announcer.is_busy())
        if engine.playing is None:
            break
        text, done = engine.playing
        engine.playing = None
        ends = clock.now + (CHIME_S if not text else estimate_seconds(text))
        if not second_announced and ends >= second_called_at + LATENCY_S:
            second_announced = True  # arrives while this part is being played
            announcer.announce("B-002", "D2", {"kk": "2-терезе", "ru": "Окно 2"}, lang="ru")
        clock.now = ends + PAUSE_S
        done()
    order = [what for _at, what in engine.heard]
    assert order == ["chime", "kk:A-005", "ru:B-002", "kk:B-002", "en:B-002"]
    heard_at = dict((what, at) for at, what in engine.heard)
    first_heard_after_call = heard_at["ru:B-002"] - second_called_at
    # Before: the chime and all three languages of A-005 first, 11.7 s after the call.
    assert first_heard_after_call < 6.0, f"B-002 first heard {first_heard_after_call:.1f} s late"
    assert heard_at["kk:A-005"] == pytest.approx(LATENCY_S + CHIME_S + PAUSE_S)


def test_the_log_says_which_engine_speaks_which_language(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    russian_only = RecordingEngine(langs=("ru",))
    russian_only.name = "espeak-ng"
    with caplog.at_level(logging.INFO, logger="ui.announcer"):
        announcer = Announcer(("kk", "ru"), engines=[russian_only], use_chime=False)
        announcer.languages = ("kk", "ru", "en")
    lines = [r.getMessage() for r in caplog.records if r.name == "ui.announcer"]
    assert any("espeak-ng" in line and "kk (silent)" in line for line in lines), lines
    assert "ru (espeak-ng)" in lines[-1] and "en (silent)" in lines[-1], lines
