"""The ways a call is heard: recorded clips, Qt's text-to-speech, espeak-ng, and WAV playback.

Engines, best first, chosen per language: recorded clips (``resources/voice/<lang>/``:
``letter-A.wav``…, ``number-0.wav``…``number-19.wav``, the tens
``number-20.wav``…``number-90.wav``, the hundreds ``number-100.wav``…``number-900.wav``,
and one ``desk-<CODE>.wav`` per desk holding "desk 3" as the call says it in that language),
Qt's QTextToSpeech when it has a voice for the language, espeak-ng, else silence with a
logged warning.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QLocale, QObject, QTimer, QUrl

try:
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
except ImportError:  # Qt Multimedia needs libpulse.so.0 on Linux: then the hall is silent
    MULTIMEDIA = False
else:
    MULTIMEDIA = True

from kiosk.resources import resource_path
from ui.ops import run_op
from ui.speech_queue import Phrase

log = logging.getLogger(__name__)

CHIME = resource_path("sounds", "chime.wav")
VOICE_DIR = resource_path("voice")
ESPEAK_VOICES = {"kk": "kk", "ru": "ru", "en": "en-gb"}
ESPEAK_WPM = 145  # a little slower than espeak's 175: halls echo


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


def warn_once(key: str, message: str, *args: object) -> None:
    """Log a warning once per ``key``: a silent hall is said once, not at every call."""
    if key not in _warned:
        _warned.add(key)
        log.warning(message, *args)


def audio_output_available() -> bool:
    """Whether Qt Multimedia has a device to play to (none on a headless test machine)."""
    return MULTIMEDIA and not QMediaDevices.defaultAudioOutput().isNull()


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
            warn_once("no-audio", "announcements: no audio output; they are silent")
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
        warn_once(f"error:{self.path}", "announcements: cannot play %s", self.path)
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
            warn_once(
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
            warn_once("qtspeech-import", "announcements: Qt speech unavailable (%s)", exc)
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
            warn_once(f"espeak:{phrase.lang}", "announcements: espeak-ng failed: %s", exc)
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
