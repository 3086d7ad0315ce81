"""Spoken calls: a chime, then "A-012, desk 3", short, in the visitor's language first.

The words are the core's (``kiosk/spoken.py``), the voices the engines'
(``ui/speech_engines.py``); the announcer says one call after another, never two at once.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.i18n import pick
from kiosk.spoken import announcement_text, estimate_seconds
from ui.speech_engines import CHIME, Sound, SpeechEngine, WavPlayer, default_engines, warn_once
from ui.speech_queue import Announcement, Phrase, SpeechQueue, Step

log = logging.getLogger(__name__)

PAUSE_MS = 350  # between the chime and the languages: a breath, not a gap
# A stuck engine never blocks the queue: a step gets its estimate plus this much.
WATCHDOG_SLACK_S = 4.0
SYNTHESIS_ALLOWANCE_S = 10.0  # espeak-ng on a slow kiosk PC, before the first sound


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
            warn_once("no-engine", "announcements: no speech engine (install espeak-ng); silent")
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
        warn_once(f"silent:{phrase.lang}", "announcements: no voice for '%s'; silent", phrase.lang)
        self.phrase_started.emit(phrase.lang, phrase.text, "silent")
        done()
        return 0.0
