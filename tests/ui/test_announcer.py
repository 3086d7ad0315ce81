"""Spoken calls: the words in each language, the order of the queue, and real synthesis."""

from __future__ import annotations

import gettext
import itertools
import logging
import shutil
import struct
import time
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

import ui.announcer as announcer_module
from kiosk.i18n import gettext_for
from ui.announcer import (
    Announcer,
    ClipEngine,
    EspeakEngine,
    WavPlayer,
    announcement_text,
    desk_phrase,
    join_wavs,
    kk_dative,
    kk_ordinal,
    number_words,
    spoken_number,
    synthesize_wav,
    wav_seconds,
)
from ui.speech_queue import Announcement, Phrase, SpeechQueue

TEMPLATE = "{number}, {desk}"
# The translations proposed for the catalogs (resources/locale/*/kezek.po).
PROPOSED = {
    "kk": "{number}, {desk}",
    "ru": "{number}, к {desk}",
}


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


class ProposedCatalog(gettext.NullTranslations):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def gettext(self, message: str) -> str:
        if message == TEMPLATE and self.lang in PROPOSED:
            return PROPOSED[self.lang]
        return message


@pytest.fixture
def proposed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogs as they will read once the proposed translations are merged."""
    monkeypatch.setattr(announcer_module, "gettext_for", lambda lang: ProposedCatalog(lang).gettext)


# -- words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "kk", "ru", "en"),
    [
        (0, "нөл", "ноль", "zero"),
        (1, "бір", "один", "one"),
        (7, "жеті", "семь", "seven"),
        (12, "он екі", "двенадцать", "twelve"),
        (20, "жиырма", "двадцать", "twenty"),
        (45, "қырық бес", "сорок пять", "forty-five"),
        (100, "жүз", "сто", "one hundred"),
        (112, "жүз он екі", "сто двенадцать", "one hundred and twelve"),
        (200, "екі жүз", "двести", "two hundred"),
        (
            999,
            "тоғыз жүз тоқсан тоғыз",
            "девятьсот девяносто девять",
            "nine hundred and ninety-nine",
        ),
        (1001, "мың бір", "тысяча один", "one thousand and one"),
        (2022, "екі мың жиырма екі", "две тысячи двадцать два", "two thousand and twenty-two"),
    ],
)
def test_numbers_read_naturally_in_each_language(n: int, kk: str, ru: str, en: str) -> None:
    assert number_words(n, "kk") == kk
    assert number_words(n, "ru") == ru
    assert number_words(n, "en") == en


@pytest.mark.parametrize(
    ("display", "kk", "ru", "en"),
    [
        ("A-012", "А он екі", "А двенадцать", "A-twelve"),
        ("B-001", "бэ бір", "бэ один", "B-one"),
        ("V-100", "вэ жүз", "вэ сто", "V-one hundred"),
        ("H-040", "аш қырық", "аш сорок", "H-forty"),
        ("L-305", "эл үш жүз бес", "эль триста пять", "L-three hundred and five"),
    ],
)
def test_ticket_numbers_are_said_as_letter_and_number(
    display: str, kk: str, ru: str, en: str
) -> None:
    assert spoken_number(display, "kk") == kk
    assert spoken_number(display, "ru") == ru
    assert spoken_number(display, "en") == en


def test_letters_that_look_alike_still_sound_different() -> None:
    # The demo hall has B and V, H and N, P and R: reading the Latin letters as their
    # Cyrillic look-alikes (В, Н, Р) would announce two tickets with one name.
    for lang in ("kk", "ru"):
        pairs = [("B-001", "V-001"), ("H-001", "N-001"), ("P-001", "R-001")]
        for one, other in pairs:
            assert spoken_number(one, lang) != spoken_number(other, lang)


def test_kazakh_ordinals_and_dative_endings_follow_vowel_harmony() -> None:
    assert [kk_ordinal(n) for n in (1, 3, 6, 10, 20, 40, 12)] == [
        "бірінші",
        "үшінші",
        "алтыншы",
        "оныншы",
        "жиырмасыншы",
        "қырқыншы",
        "он екінші",
    ]
    words = ["терезе", "кабинет", "орын", "касса", "бөлім", "үстел", "3", "10", "40"]
    assert [kk_dative(w) for w in words] == [
        "терезеге",
        "кабинетке",
        "орынға",
        "кассаға",
        "бөлімге",
        "үстелге",
        "3-ке",
        "10-ға",
        "40-қа",
    ]


def test_desk_labels_take_the_case_the_sentence_needs() -> None:
    assert desk_phrase("3-терезе", "kk") == "үшінші терезеге"
    assert desk_phrase("3-терезе", "kk", spoken=False) == "3-терезеге"
    assert desk_phrase("Кабинет 12", "kk") == "кабинет он екіге".capitalize()
    assert desk_phrase("Окно 3", "ru") == "окну три"
    assert desk_phrase("Окно 3", "ru", spoken=False) == "окну 3"
    assert desk_phrase("Стойка 2", "ru") == "стойке два"
    assert desk_phrase("Главная касса", "ru") == "главной кассе"
    assert desk_phrase("Окно выдачи 1", "ru", spoken=False) == "окну выдачи 1"
    assert desk_phrase("Desk 3", "en") == "Desk three"


@pytest.mark.usefixtures("proposed")
@pytest.mark.parametrize(
    ("display", "labels", "expected"),
    [
        (
            "A-012",
            ("3-терезе", "Окно 3", "Desk 3"),
            (
                "А он екі, үшінші терезеге",
                "А двенадцать, к окну три",
                "A-twelve, Desk three",
            ),
        ),
        (
            "B-105",
            ("10-терезе", "Окно 10", "Desk 10"),
            (
                "бэ жүз бес, оныншы терезеге",
                "бэ сто пять, к окну десять",
                "B-one hundred and five, Desk ten",
            ),
        ),
        (
            "L-040",
            ("2-кабинет", "Кабинет 2", "Room 2"),
            (
                "эл қырық, екінші кабинетке",
                "эль сорок, к кабинету два",
                "L-forty, Room two",
            ),
        ),
    ],
)
def test_the_call_is_said_in_each_language(
    display: str, labels: tuple[str, str, str], expected: tuple[str, str, str]
) -> None:
    said = tuple(
        announcement_text(display, label, lang)
        for lang, label in zip(("kk", "ru", "en"), labels, strict=True)
    )
    assert said == expected


@pytest.mark.usefixtures("proposed")
def test_the_written_call_keeps_the_ticket_as_printed() -> None:
    assert announcement_text("A-012", "3-терезе", "kk", spoken=False) == "A-012, 3-терезеге"
    assert announcement_text("A-012", "Окно 3", "ru", spoken=False) == "A-012, к окну 3"
    assert announcement_text("A-012", "Desk 3", "en", spoken=False) == "A-012, Desk 3"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_catalogs_hold_the_call_template(lang: str) -> None:
    # Fails until the proposed translations are merged into resources/locale.
    assert gettext_for(lang)(TEMPLATE) == PROPOSED[lang]


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


# -- sound ---------------------------------------------------------------------------------


def tone(path: Path, seconds: float, rate: int = 16_000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack("<h", 1000) * int(seconds * rate))
    return path


def test_clips_are_joined_in_order_into_one_file(tmp_path: Path, qtbot: QtBot) -> None:
    voice = tmp_path / "voice"
    (voice / "en").mkdir(parents=True)
    for name in ("letter-A", "number-100", "number-12", "desk-D3"):
        tone(voice / "en" / f"{name}.wav", 0.1)
    engine = ClipEngine(voice)
    phrase = Phrase("en", "A-one hundred and twelve, Desk three", "A-112", "D3")
    assert phrase.clips() == ["letter-A", "number-100", "number-12", "desk-D3"]
    assert engine.can_say(phrase)
    assert not engine.can_say(Phrase("en", "…", "A-113", "D3"))  # no number-13.wav
    assert not engine.can_say(Phrase("kk", "…", "A-112", "D3"))  # no Kazakh clips
    joined = join_wavs([voice / "en" / f"{n}.wav" for n in phrase.clips() or []], gap_s=0.05)
    assert joined is not None
    assert wav_seconds(joined) == pytest.approx(4 * 0.1 + 3 * 0.05, abs=0.002)
    joined.unlink()
    tone(voice / "en" / "desk-D3.wav", 0.1, rate=22_050)
    assert join_wavs([voice / "en" / "letter-A.wav", voice / "en" / "desk-D3.wav"]) is None


def test_without_an_audio_device_a_sound_still_ends_after_its_length(qtbot: QtBot) -> None:
    player = WavPlayer(announcer_module.CHIME)
    assert 0.5 < player.duration() < 1.5
    began = time.monotonic()
    done: list[float] = []
    player.play(lambda: done.append(time.monotonic()))
    qtbot.waitUntil(lambda: bool(done), timeout=5_000)
    assert done[0] - began >= player.duration() - 0.05


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


@needs_espeak
@pytest.mark.usefixtures("proposed")
@pytest.mark.parametrize(
    ("lang", "label"), [("kk", "3-терезе"), ("ru", "Окно 3"), ("en", "Desk 3")]
)
def test_espeak_ng_says_the_call_in_each_language(lang: str, label: str, tmp_path: Path) -> None:
    target = synthesize_wav(announcement_text("A-012", label, lang), lang, tmp_path / "call.wav")
    seconds = wav_seconds(target)
    assert 1.5 < seconds < 15, f"{lang}: {seconds:.2f} s of audio"
    with wave.open(str(target), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
    assert frames.strip(b"\0"), "only silence"


@needs_espeak
def test_an_espeak_announcement_runs_to_its_end_without_sound(qtbot: QtBot) -> None:
    engine = EspeakEngine()
    assert engine.can_say(Phrase("kk", "…", "A-001", "D1"))
    announcer = Announcer(("en",), engines=[engine], use_chime=False, pause_ms=0)
    names: list[str] = []
    announcer.phrase_started.connect(lambda _lang, _text, name: names.append(name))
    with qtbot.waitSignal(announcer.announcement_finished, timeout=20_000) as finished:
        announcer.announce("A-001", "D1", {"en": "Desk 1"})
    assert finished.args[0].display == "A-001"
    assert names == ["espeak-ng"]


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
        ends = clock.now + (CHIME_S if not text else announcer_module.estimate_seconds(text))
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
