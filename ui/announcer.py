"""Spoken calls: a chime, then "A-012, desk 3", short, in the visitor's language first.

The words come from the gettext catalogs (one template per language); numbers, Latin
letters and the desk's case are rendered here, per language, for the ear:

* kk: ``А он екі, үшінші терезеге`` — the label "3-терезе" is an ordinal ("3-" reads
  "үшінші") and takes the dative ending by vowel harmony (терезе → терезеге): "to the
  third window", the verb left out as halls do.
* ru: ``А двенадцать, к окну три`` — "к" governs the dative: the head noun of the label
  (and an adjective before it) is declined (Окно 3 → окну 3).
* en: ``A-twelve, Desk three``.

Latin ticket letters are read by their Russian names (B "бэ", V "вэ", H "аш", N "эн"),
not as Cyrillic look-alikes: the demo hall has both B and V, H and N, P and R, which
look-alike reading would make sound the same.

Engines, best first, chosen per language: recorded clips (``resources/voice/<lang>/``:
``letter-A.wav``…, ``number-0.wav``…``number-19.wav``, the tens
``number-20.wav``…``number-90.wav``, the hundreds ``number-100.wav``…``number-900.wav``,
and one ``desk-<CODE>.wav`` per desk holding "desk 3" as the call says it in that language),
Qt's QTextToSpeech when it has a voice for the language, espeak-ng, else silence with a
logged warning.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import re
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QLocale, QObject, QTimer, QUrl, Signal

try:
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
except ImportError:  # Qt Multimedia needs libpulse.so.0 on Linux: then the hall is silent
    QMediaDevices = QSoundEffect = None

from kiosk.i18n import gettext_for, pick
from kiosk.resources import resource_path
from ui.ops import run_op
from ui.speech_queue import DISPLAY_PATTERN, Announcement, Phrase, SpeechQueue, Step

log = logging.getLogger(__name__)

CHIME = resource_path("sounds", "chime.wav")
VOICE_DIR = resource_path("voice")
PAUSE_MS = 350  # between the chime and the languages: a breath, not a gap
ESPEAK_VOICES = {"kk": "kk", "ru": "ru", "en": "en-gb"}
ESPEAK_WPM = 145  # a little slower than espeak's 175: halls echo
# A stuck engine never blocks the queue: a step gets its estimate plus this much.
WATCHDOG_SLACK_S = 4.0
SYNTHESIS_ALLOWANCE_S = 10.0  # espeak-ng on a slow kiosk PC, before the first sound

# -- numbers ---------------------------------------------------------------------------

_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_RU_UNITS = [
    "ноль",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
]
_RU_TENS = ["_", "_", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят"]
_RU_TENS += ["восемьдесят", "девяносто"]
_RU_HUNDREDS = ["_", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот"]
_RU_HUNDREDS += ["восемьсот", "девятьсот"]
_KK_UNITS = ["нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"]
_KK_TENS = ["_", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"]

_BACK_VOWELS = set("аоұыяё")
_FRONT_VOWELS = set("әеөүіиэю")
_VOWELS = _BACK_VOWELS | _FRONT_VOWELS | {"у"}
_KK_VOICED = set("лмнңрйзж")


def _en_words(n: int) -> str:
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_EN_UNITS[hundreds]} hundred"
        return head + (f" and {_en_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{_en_words(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + _en_words(rest)


def _ru_below_thousand(n: int, feminine: bool = False) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(_RU_HUNDREDS[hundreds])
    if rest >= 20:
        tens, rest = divmod(rest, 10)
        words.append(_RU_TENS[tens])
    if rest or not words:
        unit = _RU_UNITS[rest]
        if feminine and rest in (1, 2):
            unit = ("одна", "две")[rest - 1]
        words.append(unit)
    return words


def _ru_words(n: int) -> str:
    if n < 1000:
        return " ".join(_ru_below_thousand(n))
    thousands, rest = divmod(n, 1000)
    last_two, last = thousands % 100, thousands % 10
    if 11 <= last_two <= 14 or last == 0 or last >= 5:
        noun = "тысяч"
    else:
        noun = "тысяча" if last == 1 else "тысячи"
    head = [noun] if thousands == 1 else [*_ru_below_thousand(thousands, feminine=True), noun]
    return " ".join(head + (_ru_below_thousand(rest) if rest else []))


def _kk_words(n: int) -> str:
    if n == 0:
        return _KK_UNITS[0]
    words: list[str] = []
    thousands, n = divmod(n, 1000)
    if thousands:
        words += ([] if thousands == 1 else [_kk_words(thousands)]) + ["мың"]
    hundreds, n = divmod(n, 100)
    if hundreds:
        words += ([] if hundreds == 1 else [_KK_UNITS[hundreds]]) + ["жүз"]
    tens, unit = divmod(n, 10)
    if tens:
        words.append(_KK_TENS[tens])
    if unit:
        words.append(_KK_UNITS[unit])
    return " ".join(words)


def number_words(n: int, lang: str) -> str:
    """``n`` (0–999 999) in words as a voice should say it: 12 → "он екі", "двенадцать"."""
    if not 0 <= n < 1_000_000:
        return str(n)
    if lang == "kk":
        return _kk_words(n)
    if lang == "ru":
        return _ru_words(n)
    return _en_words(n)


def _last_vowel_is_back(word: str) -> bool:
    for letter in reversed(word.lower()):
        if letter in _BACK_VOWELS:
            return True
        if letter in _FRONT_VOWELS or letter == "ь":
            return False
    return True


def kk_ordinal(n: int) -> str:
    """A Kazakh ordinal in words: 3 → "үшінші", 40 → "қырқыншы", 20 → "жиырмасыншы"."""
    words = number_words(n, "kk").split()
    last = words[-1]
    back = _last_vowel_is_back(last)
    if last == "қырық":
        last = "қырқ"  # the second vowel drops before the suffix
    if last == "жиырма":
        suffix = "сыншы"
    elif last[-1] in _VOWELS - {"у"}:
        suffix = "ншы" if back else "нші"
    else:
        suffix = "ыншы" if back else "інші"
    return " ".join([*words[:-1], last + suffix])


def kk_dative(word: str) -> str:
    """The Kazakh dative ending for a word (терезе → терезеге, кабинет → кабинетке).

    Digits take the ending of their spoken form, after a hyphen (3 → 3-ке).
    """
    if word.isdigit():
        spoken = number_words(int(word), "kk").split()[-1]
        return f"{word}-{kk_dative(spoken)[len(spoken) :]}"
    letters = word.rstrip("ьъ").lower()
    if not letters or not re.search("[а-яәғқңөұүһі]", letters):
        return word  # a Latin or empty label: no Kazakh ending to choose
    back = _last_vowel_is_back(word)
    end = letters[-1]
    voiced = end in _VOWELS or end in _KK_VOICED
    suffix = ("ға" if back else "ге") if voiced else ("қа" if back else "ке")
    return word + suffix


_RU_ADJECTIVE = (
    ("ая", "ой"),
    ("яя", "ей"),
    ("ья", "ьей"),
    ("ое", "ому"),
    ("ее", "ему"),
    ("ье", "ьему"),
    ("ый", "ому"),
    ("ой", "ому"),
    ("кий", "кому"),
    ("гий", "гому"),
    ("хий", "хому"),
    ("ий", "ему"),
)
_RU_ADJECTIVE_END = "(ая|яя|ья|ое|ее|ье|ый|ой|ий)$"
_RU_NOUN = (("ия", "ии"), ("а", "е"), ("я", "е"), ("о", "у"), ("е", "ю"), ("й", "ю"), ("ь", "и"))


def _ru_dative_word(word: str, adjective: bool) -> str:
    lower = word.lower()
    for ending, replacement in _RU_ADJECTIVE if adjective else _RU_NOUN:
        if lower.endswith(ending):
            return word[: len(word) - len(ending)] + replacement
    return word + "у"  # a masculine noun ending in a consonant: кабинет → кабинету


def ru_dative(label: str) -> str:
    """A Russian desk label after "к": the head noun and adjectives before it in the dative.

    "Окно 3" → "окну 3", "Стойка 2" → "стойке 2", "Главная касса" → "главной кассе";
    what follows the noun (a number, "выдачи") is kept as it is.
    """
    words = label.split()
    for index, word in enumerate(words):
        if not re.fullmatch("[А-Яа-яЁё-]+", word):
            break
        bare = word.lower() if word[:1].isupper() and word[1:].islower() else word
        is_adjective = bool(
            re.search("(ая|яя|ья|ое|ее|ье|ый|ой|ий)$", bare.lower())
        ) and index + 1 < len(words)
        words[index] = _ru_dative_word(bare, is_adjective)
        if not is_adjective:
            break
    return " ".join(words)


# -- letters -----------------------------------------------------------------------------

_RU_LETTERS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            "А",
            "бэ",
            "цэ",
            "дэ",
            "Е",
            "эф",
            "гэ",
            "аш",
            "И",
            "йот",
            "ка",
            "эль",
            "эм",
            "эн",
            "О",
            "пэ",
            "ку",
            "эр",
            "эс",
            "тэ",
            "У",
            "вэ",
            "дубль-вэ",
            "икс",
            "игрек",
            "зэт",
        ],
        strict=True,
    )
)
_KK_LETTERS = {**_RU_LETTERS, "J": "жи", "L": "эл", "Q": "кю"}


def letter_names(letters: str, lang: str) -> str:
    """Ticket letters as a voice says them in ``lang`` (ru "B" → "бэ", en stays "B")."""
    if lang == "en":
        return letters
    table = _KK_LETTERS if lang == "kk" else _RU_LETTERS
    return " ".join(table.get(letter, letter) for letter in letters.upper())


def spoken_number(display: str, lang: str) -> str:
    """A ticket number for the ear: "A-012" → kk "А он екі", ru "А двенадцать", en "A-twelve"."""
    match = DISPLAY_PATTERN.match(display.strip())
    if match is None:
        return display
    letters, digits = match.groups()
    words = number_words(int(digits), lang)
    if lang == "en":
        # Alone, "A" is read as the article; joined, engines spell the letters out.
        return f"{letters.upper()}-{words}"
    return f"{letter_names(letters, lang)} {words}"


def _speak_digits(text: str, lang: str) -> str:
    if lang == "kk":
        # "3-терезе": a number with a hyphen before a word is an ordinal in Kazakh.
        text = re.sub(r"(\d+)-(?=\w)", lambda m: kk_ordinal(int(m.group(1))) + " ", text)
    return re.sub(r"\d+", lambda m: number_words(int(m.group(0)), lang), text)


def _kk_dative_last(label: str) -> str:
    head, _sep, last = label.rpartition(" ")
    prefix, dash, word = last.rpartition("-")
    last = f"{prefix}{dash}{kk_dative(word)}" if word else kk_dative(last)
    return f"{head} {last}" if head else last


def desk_phrase(label: str, lang: str, *, spoken: bool = True) -> str:
    """The desk label as the call's ``{desk}``: in the dative where the language needs it."""
    label = " ".join(label.split())
    if lang == "kk":
        # Spoken, the numbers become words first: the ending follows the last word heard.
        return _kk_dative_last(_speak_digits(label, lang) if spoken else label)
    if lang == "ru":
        label = ru_dative(label)
    return _speak_digits(label, lang) if spoken else label


def announcement_text(display: str, desk_label: str, lang: str, *, spoken: bool = True) -> str:
    """The call in one language; ``spoken`` reads numbers as words for a voice.

    kk "А он екі, үшінші терезеге"; with ``spoken=False`` the written form
    "A-012, 3-терезеге". Short on purpose: while calls queue up, every second of a
    phrase is a second the next visitor waits to hear their number.
    """
    _ = gettext_for(lang)
    # {desk} is the desk's label in the case the sentence needs (kk, ru: the dative);
    # ru "{number}, к {desk}", kk "{number}, {desk}" (the dative says "to").
    template = _("{number}, {desk}")
    number = spoken_number(display, lang) if spoken else display
    return template.format(number=number, desk=desk_phrase(desk_label, lang, spoken=spoken))


def estimate_seconds(text: str) -> float:
    """About how long a voice takes to say ``text`` (~14 characters a second)."""
    return 0.5 + len(text) / 14


# -- what is said ----------------------------------------------------------------------


class SpeechEngine(Protocol):
    """A way of saying a phrase; ``say`` calls ``done`` once when it has finished."""

    name: str

    def can_say(self, phrase: Phrase) -> bool: ...

    def say(self, phrase: Phrase, done: Callable[[], None]) -> None: ...

    def stop(self) -> None: ...


class Sound(Protocol):
    """Something to play before the words (the chime)."""

    def play(self, done: Callable[[], None]) -> None: ...

    def duration(self) -> float: ...


def wav_seconds(path: Path) -> float:
    """The length of a WAV file in seconds (0 when it cannot be read)."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / float(wav.getframerate() or 1)
    except (OSError, EOFError, wave.Error):
        return 0.0


# -- playing WAV files -----------------------------------------------------------------

_warned: set[str] = set()


def _warn_once(key: str, message: str, *args: object) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning(message, *args)


def audio_output_available() -> bool:
    """Whether Qt Multimedia has a device to play to (none on a headless test machine)."""
    return QMediaDevices is not None and not QMediaDevices.defaultAudioOutput().isNull()


class WavPlayer(QObject):
    """Plays WAV files through QSoundEffect; without an audio device it only waits their length.

    Waiting keeps the rhythm of a hall with sound (and lets a silent test run the same
    path); a file that cannot be played never stalls the announcements.
    """

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._effect: QSoundEffect | None = None
        self._pending: Callable[[], None] | None = None
        self._cleanup: Path | None = None
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.timeout.connect(self._finish)
        if path is not None:
            self._effect = self._load(path)  # preloaded: the chime starts without delay

    def duration(self) -> float:
        return wav_seconds(self.path) if self.path else 0.0

    def _load(self, path: Path) -> QSoundEffect | None:
        if not audio_output_available():
            _warn_once("no-audio", "announcements: no audio output; they are silent")
            return None
        effect = QSoundEffect(self)
        effect.statusChanged.connect(self._status_changed)
        effect.playingChanged.connect(self._playing_changed)
        effect.setSource(QUrl.fromLocalFile(str(path)))
        return effect

    def play(
        self, done: Callable[[], None], path: Path | None = None, *, remove: bool = False
    ) -> None:
        """Play ``path`` (or the preloaded file) and call ``done`` once when it has finished."""
        if path is not None and path != self.path:
            self.stop()
            if self._effect is not None:
                self._effect.deleteLater()  # one per phrase would pile up over a day
            self.path = path
            self._effect = self._load(path)
        self._pending = done
        self._cleanup = path if remove else None
        length = self.duration()
        # Without sound, or if playback never reports its end: the file's own length.
        self._fallback.start(int(length * 1000) + (0 if self._effect is None else 1500))
        effect = self._effect
        if effect is None:
            return
        if effect.status() == QSoundEffect.Status.Ready:
            effect.play()
        elif effect.status() == QSoundEffect.Status.Error:
            self._no_sound(effect)

    def _status_changed(self) -> None:
        effect = self._effect
        if effect is None or self._pending is None:
            return
        if effect.status() == QSoundEffect.Status.Ready and not effect.isPlaying():
            effect.play()
        elif effect.status() == QSoundEffect.Status.Error:
            self._no_sound(effect)

    def _no_sound(self, effect: QSoundEffect) -> None:
        _warn_once(f"error:{self.path}", "announcements: cannot play %s", self.path)
        self._fallback.start(int(self.duration() * 1000))

    def _playing_changed(self) -> None:
        effect = self._effect
        if effect is not None and not effect.isPlaying() and self._pending:
            self._finish()

    def _finish(self) -> None:
        self._fallback.stop()
        done, self._pending = self._pending, None
        if self._cleanup is not None:
            with contextlib.suppress(OSError):
                self._cleanup.unlink()
            self._cleanup = None
        if done is not None:
            done()

    def stop(self) -> None:
        """Stop playing; a pending ``done`` is dropped."""
        self._pending = None
        self._fallback.stop()
        if self._effect is not None:
            self._effect.stop()


# -- engines ---------------------------------------------------------------------------


class ClipEngine:
    """A hall's recorded voice: short WAV clips per language, joined into one file."""

    name = "clips"

    def __init__(self, folder: Path = VOICE_DIR, player: WavPlayer | None = None) -> None:
        self.folder = folder
        self.player = player or WavPlayer()

    def _paths(self, phrase: Phrase) -> list[Path] | None:
        names = phrase.clips()
        if names is None:
            return None
        paths = [self.folder / phrase.lang / f"{name}.wav" for name in names]
        return paths if all(p.is_file() for p in paths) else None

    def can_say(self, phrase: Phrase) -> bool:
        return self._paths(phrase) is not None

    def say(self, phrase: Phrase, done: Callable[[], None]) -> None:
        paths = self._paths(phrase)
        joined = join_wavs(paths) if paths else None
        if joined is None:
            _warn_once(
                f"clips:{phrase.lang}", "announcements: clips of %s differ in format", phrase.lang
            )
            done()
            return
        self.player.play(done, joined, remove=True)

    def stop(self) -> None:
        self.player.stop()


def join_wavs(paths: Sequence[Path], gap_s: float = 0.06) -> Path | None:
    """One temporary WAV of the clips in order, a short silence between; None if they differ."""
    params = None
    frames: list[bytes] = []
    for path in paths:
        with wave.open(str(path), "rb") as clip:
            shape = (clip.getnchannels(), clip.getsampwidth(), clip.getframerate())
            if params is None:
                params = shape
            elif shape != params:
                return None
            frames.append(clip.readframes(clip.getnframes()))
    if params is None:
        return None
    channels, width, rate = params
    silence = b"\0" * (int(rate * gap_s) * channels * width)
    handle, name = tempfile.mkstemp(prefix="kezek-call-", suffix=".wav")
    with open(handle, "wb") as raw, wave.open(raw, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(silence.join(frames))
    return Path(name)


class QtSpeechEngine:
    """Qt's QTextToSpeech, with the first platform engine that is up and has the language.

    On Linux that is speech-dispatcher ("speechd"), mute when its daemon or libspeechd is
    missing; the probe (state and voices) then finds no language and the next engine speaks.
    """

    name = "qtspeech"

    def __init__(self) -> None:
        self._tts: object | None = None
        self._done: Callable[[], None] | None = None
        self._speaking = False
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech  # needs libpulse.so.0 on Linux
        except ImportError as exc:
            _warn_once("qtspeech-import", "announcements: Qt speech unavailable (%s)", exc)
            return
        for engine in QTextToSpeech.availableEngines():
            if engine == "mock":
                continue
            tts = QTextToSpeech(engine)
            if tts.state() != QTextToSpeech.State.Error and tts.availableLocales():
                tts.stateChanged.connect(self._state_changed)
                self._tts = tts
                self.name = f"qtspeech:{engine}"
                break

    @property
    def available(self) -> bool:
        return self._tts is not None

    def _locale(self, lang: str) -> QLocale | None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = self._tts
        if not isinstance(tts, QTextToSpeech):
            return None
        wanted = QLocale(lang).language()
        for locale in tts.availableLocales():
            if locale.language() == wanted:
                return locale
        return None

    def can_say(self, phrase: Phrase) -> bool:
        return self._locale(phrase.lang) is not None

    def say(self, phrase: Phrase, done: Callable[[], None]) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = self._tts
        locale = self._locale(phrase.lang)
        if not isinstance(tts, QTextToSpeech) or locale is None:
            done()
            return
        self._done = done
        self._speaking = False
        tts.setLocale(locale)
        tts.say(phrase.text)

    def _state_changed(self, state: object) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state == QTextToSpeech.State.Speaking:
            self._speaking = True
        elif state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error) and self._speaking:
            done, self._done = self._done, None
            self._speaking = False
            if done is not None:
                done()

    def stop(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        self._done = None
        if isinstance(self._tts, QTextToSpeech):
            self._tts.stop()


def espeak_voices() -> set[str]:
    """The espeak-ng voices installed (empty without espeak-ng)."""
    program = shutil.which("espeak-ng")
    if program is None:
        return set()
    try:
        listing = subprocess.run(
            [program, "--voices"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.split()[1] for line in listing.splitlines()[1:] if len(line.split()) > 1}


def synthesize_wav(text: str, lang: str, target: Path) -> Path:
    """Speak ``text`` into a WAV file with espeak-ng (raises OSError or CalledProcessError)."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise FileNotFoundError("espeak-ng is not installed")
    voice = ESPEAK_VOICES.get(lang, lang)
    subprocess.run(
        [program, "-v", voice, "-s", str(ESPEAK_WPM), "-w", str(target), text],
        capture_output=True,
        timeout=20,
        check=True,
    )
    return target


class EspeakEngine:
    """espeak-ng (Kazakh, Russian, English voices): synthesised off the GUI thread, then played."""

    name = "espeak-ng"

    def __init__(self, player: WavPlayer | None = None) -> None:
        self.voices = espeak_voices()
        self.player = player or WavPlayer()
        self._token = itertools.count()
        self._current = -1

    @property
    def available(self) -> bool:
        return bool(self.voices)

    def can_say(self, phrase: Phrase) -> bool:
        return ESPEAK_VOICES.get(phrase.lang, phrase.lang) in self.voices

    def say(self, phrase: Phrase, done: Callable[[], None]) -> None:
        token = self._current = next(self._token)
        handle, name = tempfile.mkstemp(prefix="kezek-say-", suffix=".wav")
        os.close(handle)  # espeak-ng writes the file itself

        def synthesised(path: Path) -> None:
            if token != self._current:  # stopped meanwhile
                with contextlib.suppress(OSError):
                    path.unlink()
                return
            self.player.play(done, path, remove=True)

        def failed(exc: Exception) -> None:
            _warn_once(f"espeak:{phrase.lang}", "announcements: espeak-ng failed: %s", exc)
            if token == self._current:
                done()

        run_op(lambda: synthesize_wav(phrase.text, phrase.lang, Path(name)), synthesised, failed)

    def stop(self) -> None:
        self._current = -1
        self.player.stop()


def default_engines() -> list[SpeechEngine]:
    """The engines this machine has, best first."""
    engines: list[SpeechEngine] = []
    if VOICE_DIR.is_dir():
        engines.append(ClipEngine(VOICE_DIR))
    qt = QtSpeechEngine()
    if qt.available:
        engines.append(qt)
    espeak = EspeakEngine()
    if espeak.available:
        engines.append(espeak)
    return engines


# -- the announcer ---------------------------------------------------------------------


class Announcer(QObject):
    """Announces calls one after another: a chime, the visitor's own language, then the
    other hall languages while no other call waits (the order is ``SpeechQueue``'s).

    The next step starts only when the previous one has finished (an engine's own signal,
    or a watchdog if it never reports), so two calls in the same second are both heard,
    never over each other, and the second is heard right after the first one's phrase.

    Signals:
        announcement_started(Announcement): its chime, or its first phrase, begins.
        phrase_started(str, str, str): language, text and engine of a phrase as it begins.
        announcement_finished(Announcement): nothing more of it will be said.
        idle(): nothing is left to say.
    """

    announcement_started = Signal(object)
    phrase_started = Signal(str, str, str)
    announcement_finished = Signal(object)
    idle = Signal()

    def __init__(
        self,
        languages: Iterable[str] = ("kk", "ru", "en"),
        *,
        engines: Sequence[SpeechEngine] | None = None,
        chime: Sound | None = None,
        use_chime: bool = True,
        pause_ms: int = PAUSE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._languages = tuple(languages)
        self.engines: list[SpeechEngine] = list(default_engines() if engines is None else engines)
        if chime is None and use_chime:
            chime = WavPlayer(CHIME, self)
        self.chime = chime if use_chime else None
        self.pause_ms = pause_ms
        self._speech = SpeechQueue(chime=self.chime is not None)
        self._running = False
        self._current: Announcement | None = None
        self._engine: SpeechEngine | None = None
        self._step = 0
        self._seq = itertools.count(1)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._stuck)
        if not self.engines:
            _warn_once("no-engine", "announcements: no speech engine (install espeak-ng); silent")
        log.info("announcements: %s", self.describe())

    # -- public --------------------------------------------------------------------------

    @property
    def languages(self) -> tuple[str, ...]:
        """The hall's languages, in the order the hall gives them."""
        return self._languages

    @languages.setter
    def languages(self, languages: Iterable[str]) -> None:
        languages = tuple(languages)
        if languages != self._languages:
            self._languages = languages
            log.info("announcements: %s", self.describe())

    def engine_for(self, lang: str) -> str:
        """The name of the engine that would say a call in ``lang`` ("silent" if none)."""
        probe = Phrase(lang, "", "A-001", "")
        return next((e.name for e in self.engines if e.can_say(probe)), "silent")

    def describe(self) -> str:
        """The engines and languages in use, for the log: what a hall technician checks first."""
        engines = ", ".join(e.name for e in self.engines) or "none"
        langs = ", ".join(f"{lang} ({self.engine_for(lang)})" for lang in self._languages)
        chime = "chime" if self.chime is not None else "no chime"
        return (
            f"speech engines {engines}; languages {langs}; {chime}; "
            "the visitor's language first, the others while no call waits"
        )

    def order(self, lang: str | None) -> tuple[str, ...]:
        """The hall's languages with ``lang`` (the visitor's) first, when the hall has it."""
        if lang in self._languages:
            return (lang, *(other for other in self._languages if other != lang))
        return self._languages

    def announce(
        self,
        display: str,
        desk_code: str,
        desk_labels: dict[str, str],
        *,
        lang: str | None = None,
    ) -> Announcement:
        """Queue a call: "A-012" to the desk with these labels (one per language), said
        first in ``lang``, the language the visitor chose at the kiosk."""
        phrases = tuple(
            Phrase(
                each,
                announcement_text(display, pick(desk_labels, each) or desk_code, each),
                display,
                desk_code,
            )
            for each in self.order(lang)
        )
        item = Announcement(display, desk_code, phrases, next(self._seq))
        self._speech.add(item)
        if not self._running:
            self._running = True
            QTimer.singleShot(0, self._next_step)
        return item

    def withdraw(self, display: str) -> None:
        """The call of ``display`` has ended: what is left of it is not said."""
        self._speech.withdraw(display)

    def pending(self) -> int:
        """Announcements waiting behind the one being said."""
        return self._speech.pending()

    def is_busy(self) -> bool:
        return self._running or self._speech.busy()

    def clear(self) -> None:
        """Drop everything queued and stop the current announcement."""
        self._speech.clear()
        self._watchdog.stop()
        self._step += 1
        if self._engine is not None:
            self._engine.stop()
        if isinstance(self.chime, WavPlayer):
            self.chime.stop()
        self._current = None
        self._engine = None

    # -- steps ---------------------------------------------------------------------------

    def _next_step(self) -> None:
        previous = self._current
        step: Step | None = self._speech.next()
        item = step.item if step is not None else None
        if previous is not None and item is not previous:
            self.announcement_finished.emit(previous)
        self._current = item
        self._engine = None
        if step is None:
            self._running = False
            self.idle.emit()
            return
        if item is not previous:
            self.announcement_started.emit(item)
        self._step += 1
        token = self._step
        done = functools.partial(self._step_done, token)
        if step.phrase is None and self.chime is not None:
            limit = self._play_chime(self.chime, done)
        elif step.phrase is not None:
            limit = self._say(step.phrase, done)
        else:
            limit = 0.0
            done()
        if token == self._step:
            self._watchdog.start(int((limit + WATCHDOG_SLACK_S) * 1000))

    def _step_done(self, token: int) -> None:
        if token != self._step:
            return  # a late report of a step already given up on
        self._step += 1
        self._watchdog.stop()
        # Never recurse from inside an engine's callback; a short breath between parts.
        QTimer.singleShot(self.pause_ms if self._speech.busy() else 0, self._next_step)

    def _stuck(self) -> None:
        log.warning("announcements: a step did not finish in time; going on")
        if self._engine is not None:
            self._engine.stop()
        self._step += 1
        QTimer.singleShot(0, self._next_step)

    def _play_chime(self, chime: Sound, done: Callable[[], None]) -> float:
        chime.play(done)
        return chime.duration()

    def _say(self, phrase: Phrase, done: Callable[[], None]) -> float:
        for engine in self.engines:
            if engine.can_say(phrase):
                self._engine = engine
                self.phrase_started.emit(phrase.lang, phrase.text, engine.name)
                engine.say(phrase, done)
                return estimate_seconds(phrase.text) + SYNTHESIS_ALLOWANCE_S
        _warn_once(f"silent:{phrase.lang}", "announcements: no voice for '%s'; silent", phrase.lang)
        self.phrase_started.emit(phrase.lang, phrase.text, "silent")
        done()
        return 0.0
