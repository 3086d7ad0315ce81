"""What the hall hears next: the order of chimes and phrases when calls come close together.

Qt-free: the announcer plays what ``SpeechQueue.next`` gives, one step at a time.

The policy, for a visitor who listens for their own number:

* a call is said first in the language its visitor chose at the kiosk;
* its other languages follow only while no other call waits: a call that arrives while
  one is being said is heard as soon as the current phrase ends, in its own language,
  not after all the languages of the one before;
* the chime sounds when the hall has been quiet, to turn heads; calls that follow one
  another directly need none (the voice is already being listened to);
* a call that ends before it is heard (the visitor came, or was sent away) is not said,
  and a recall of a number still waiting its turn is said once.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

DISPLAY_PATTERN = re.compile(r"^([A-Za-z]+)-?(\d+)$")


@dataclass(frozen=True)
class Phrase:
    """One language's part of an announcement."""

    lang: str
    text: str
    display: str
    desk_code: str

    def clips(self) -> list[str] | None:
        """Clip names for a recorded voice, or None when the number is out of their range."""
        match = DISPLAY_PATTERN.match(self.display.strip())
        if match is None:
            return None
        letters, digits = match.groups()
        n = int(digits)
        if n >= 1000:
            return None
        names = [f"letter-{letter}" for letter in letters.upper()]
        parts: list[int] = []
        hundreds, rest = divmod(n, 100)
        if hundreds:
            parts.append(hundreds * 100)
        if rest >= 20:
            parts.append(rest - rest % 10)
            rest %= 10
        if rest or not parts:
            parts.append(rest)
        names += [f"number-{part}" for part in parts]
        names.append(f"desk-{self.desk_code}")
        return names


@dataclass(frozen=True)
class Announcement:
    """A call to announce: one phrase per language, the visitor's own language first."""

    display: str
    desk_code: str
    phrases: tuple[Phrase, ...]
    seq: int = field(default=0, compare=False)

    @property
    def texts(self) -> dict[str, str]:
        return {p.lang: p.text for p in self.phrases}


@dataclass(frozen=True)
class Step:
    """The next thing to play: a phrase of ``item``, or (``phrase`` None) the chime before it."""

    item: Announcement
    phrase: Phrase | None


class SpeechQueue:
    """Calls waiting to be said, and what of the current one is left (see the module's note)."""

    def __init__(self, *, chime: bool = True) -> None:
        self.chime = chime
        self._waiting: deque[Announcement] = deque()
        self._current: Announcement | None = None
        self._left: deque[Phrase] = deque()
        self._said = 0

    @property
    def current(self) -> Announcement | None:
        """The call being said (None when the hall is quiet)."""
        return self._current

    def pending(self) -> int:
        """Calls waiting behind the current one."""
        return len(self._waiting)

    def busy(self) -> bool:
        return self._current is not None or bool(self._waiting)

    def add(self, item: Announcement) -> None:
        """Queue a call; a call of the same number still waiting its turn is replaced in place."""
        for index, waiting in enumerate(self._waiting):
            if waiting.display == item.display:
                self._waiting[index] = item
                return
        self._waiting.append(item)

    def withdraw(self, display: str) -> None:
        """The call of ``display`` has ended: nothing more of it is said after this phrase."""
        self._waiting = deque(i for i in self._waiting if i.display != display)
        if self._current is not None and self._current.display == display:
            self._left.clear()

    def clear(self) -> None:
        self._waiting.clear()
        self._left.clear()
        self._current = None

    def next(self) -> Step | None:
        """What to play now that the previous step has ended; None when nothing is left."""
        current = self._current
        if current is not None and self._left and (self._said == 0 or not self._waiting):
            self._said += 1
            return Step(current, self._left.popleft())
        # The current call is over: said in full, or its other languages give way.
        self._left.clear()
        self._current = None
        if not self._waiting:
            return None
        item = self._current = self._waiting.popleft()
        self._left = deque(item.phrases)
        self._said = 0
        if self.chime and current is None:
            return Step(item, None)
        return self.next()
