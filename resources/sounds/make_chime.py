"""Write chime.wav: the two-note hall chime played before each announcement (run once)."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
PEAK = 0.5  # -6 dBFS: loud enough over a hall's murmur, no clipping on cheap speakers
# A falling major third (E5 then C5), the "ding-dong" people know from stations and halls.
NOTES = ((659.25, 0.00), (523.25, 0.32))
NOTE_S = 0.55
LENGTH_S = 0.90
ATTACK_S = 0.008
# Bell-like timbre: a few partials, the higher ones quieter and shorter.
PARTIALS = ((1.0, 1.0, 1.0), (2.0, 0.35, 1.8), (3.0, 0.15, 2.6))


def sample(t: float) -> float:
    value = 0.0
    for freq, start in NOTES:
        local = t - start
        if not 0.0 <= local < NOTE_S:
            continue
        attack = min(1.0, local / ATTACK_S)
        release = min(1.0, (NOTE_S - local) / 0.05)  # no click at the note's end
        for ratio, gain, speed in PARTIALS:
            decay = math.exp(-local * 5.0 * speed)
            value += gain * decay * attack * release * math.sin(2 * math.pi * freq * ratio * local)
    return value


def main() -> None:
    samples = [sample(i / RATE) for i in range(int(LENGTH_S * RATE))]
    scale = PEAK / max(abs(s) for s in samples)
    frames = b"".join(struct.pack("<h", round(s * scale * 32767)) for s in samples)
    target = Path(__file__).with_name("chime.wav")
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)
    print(f"wrote {target} ({LENGTH_S:.2f} s, {RATE} Hz, 16-bit mono)")


if __name__ == "__main__":
    main()
