"""The engines that make a call heard: joined clips, WAV playback, and real espeak-ng synthesis."""

from __future__ import annotations

import shutil
import struct
import time
import wave
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.spoken import announcement_text
from ui.announcer import Announcer
from ui.speech_engines import (
    CHIME,
    ClipEngine,
    EspeakEngine,
    WavPlayer,
    join_wavs,
    synthesize_wav,
    wav_seconds,
)
from ui.speech_queue import Phrase


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
    player = WavPlayer(CHIME)
    assert 0.5 < player.duration() < 1.5
    began = time.monotonic()
    done: list[float] = []
    player.play(lambda: done.append(time.monotonic()))
    qtbot.waitUntil(lambda: bool(done), timeout=5_000)
    assert done[0] - began >= player.duration() - 0.05


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


@needs_espeak
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
