"""Spoken calls: the words in each language, the order of the queue, and real synthesis."""

from __future__ import annotations

import gettext
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
    Phrase,
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

TEMPLATE = "Ticket {number}, please go to {desk}"
# The translations proposed for the catalogs (resources/locale/*/kezek.po).
PROPOSED = {
    "kk": "Талон {number}, {desk} өтіңіз",
    "ru": "Талон {number}, пройдите к {desk}",
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
                "Талон А он екі, үшінші терезеге өтіңіз",
                "Талон А двенадцать, пройдите к окну три",
                "Ticket A-twelve, please go to Desk three",
            ),
        ),
        (
            "B-105",
            ("10-терезе", "Окно 10", "Desk 10"),
            (
                "Талон бэ жүз бес, оныншы терезеге өтіңіз",
                "Талон бэ сто пять, пройдите к окну десять",
                "Ticket B-one hundred and five, please go to Desk ten",
            ),
        ),
        (
            "L-040",
            ("2-кабинет", "Кабинет 2", "Room 2"),
            (
                "Талон эл қырық, екінші кабинетке өтіңіз",
                "Талон эль сорок, пройдите к кабинету два",
                "Ticket L-forty, please go to Room two",
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
    assert announcement_text("A-012", "3-терезе", "kk", spoken=False) == (
        "Талон A-012, 3-терезеге өтіңіз"
    )
    assert announcement_text("A-012", "Окно 3", "ru", spoken=False) == (
        "Талон A-012, пройдите к окну 3"
    )
    assert announcement_text("A-012", "Desk 3", "en", spoken=False) == (
        "Ticket A-012, please go to Desk 3"
    )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_catalogs_hold_the_call_template(lang: str) -> None:
    # Fails until the proposed translations are merged into resources/locale.
    assert gettext_for(lang)(TEMPLATE) == PROPOSED[lang]


# -- the queue -----------------------------------------------------------------------------


def test_announcements_queue_up_and_never_overlap(qtbot: QtBot) -> None:
    engine = RecordingEngine(seconds=0.03)
    chime = FakeChime(engine.spans)
    announcer = Announcer(engines=[engine], chime=chime, pause_ms=5)
    finished: list[str] = []
    announcer.announcement_finished.connect(lambda item: finished.append(item.display))
    with qtbot.waitSignal(announcer.idle, timeout=10_000):
        for display, desk in (("A-001", "D1"), ("A-002", "D2"), ("B-001", "D1")):
            announcer.announce(display, desk, {"kk": f"{desk}-терезе", "ru": desk, "en": desk})
        assert announcer.pending() >= 2
    assert finished == ["A-001", "A-002", "B-001"]
    order = [name for name, _start, _end in engine.spans]
    assert order == [
        part
        for display in ("A-001", "A-002", "B-001")
        for part in ("chime", f"kk:{display}", f"ru:{display}", f"en:{display}")
    ]
    for (_a, _s, end), (_b, start, _e) in zip(engine.spans, engine.spans[1:], strict=False):
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
    for name in ("ticket", "letter-A", "number-100", "number-12", "desk-D3"):
        tone(voice / "en" / f"{name}.wav", 0.1)
    engine = ClipEngine(voice)
    phrase = Phrase("en", "Ticket A-one hundred and twelve, please go to Desk three", "A-112", "D3")
    assert phrase.clips() == ["ticket", "letter-A", "number-100", "number-12", "desk-D3"]
    assert engine.can_say(phrase)
    assert not engine.can_say(Phrase("en", "…", "A-113", "D3"))  # no number-13.wav
    assert not engine.can_say(Phrase("kk", "…", "A-112", "D3"))  # no Kazakh clips
    joined = join_wavs([voice / "en" / f"{n}.wav" for n in phrase.clips() or []], gap_s=0.05)
    assert joined is not None
    assert wav_seconds(joined) == pytest.approx(5 * 0.1 + 4 * 0.05, abs=0.002)
    joined.unlink()
    tone(voice / "en" / "desk-D3.wav", 0.1, rate=22_050)
    assert join_wavs([voice / "en" / "ticket.wav", voice / "en" / "desk-D3.wav"]) is None


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
