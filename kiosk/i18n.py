"""One translation system for core, printing and windows: gettext catalogs per language.

Message ids are English. ``N_`` marks a string for extraction where it is defined and
translated later, when the visitor's language is known.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from kiosk.resources import resource_path

DOMAIN = "kezek"
LANGUAGES = ("kk", "ru", "en")
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

Translate = Callable[[str], str]


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message for extraction without translating it yet."""
    return message


@cache
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog of one language (English falls back to the message ids)."""
    return gettext.translation(
        DOMAIN, localedir=resource_path("locale"), languages=[lang], fallback=True
    )


def gettext_for(lang: str) -> Translate:
    """A ``_`` function that translates into ``lang``."""
    return translation(lang).gettext


def pick(names: dict[str, str], lang: str, fallback: tuple[str, ...] = ("ru", "kk", "en")) -> str:
    """Hall content (agency, service, desk names) in ``lang``, else the first one present."""
    for candidate in (lang, *fallback):
        if names.get(candidate):
            return names[candidate]
    return next(iter(names.values()), "")


class Phrase:
    """Words inside a message that are translated with it: a desk state, a role, a label.

    ``Phrase(N_("paused"))`` is one word; ``Phrase(N_("the printer '{queue}'"), queue=q)``
    carries its own parameters, which may be phrases again. ``str()`` gives the English.
    """

    __slots__ = ("capital", "msgid", "params")

    def __init__(self, msgid: str, /, *, capital: bool = False, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        self.capital = capital

    def text(self, tr: Translate) -> str:
        """The phrase translated with ``tr`` (a first capital letter if it starts a sentence)."""
        text = render(tr, self.msgid, self.params)
        return text[:1].upper() + text[1:] if self.capital else text

    def capitalised(self) -> Phrase:
        """The same phrase, to open a sentence."""
        return Phrase(self.msgid, capital=True, **self.params)

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready form, so that a message stored in an event is read in any language."""
        params = {k: v.to_data() if isinstance(v, Phrase) else v for k, v in self.params.items()}
        return {"id": self.msgid, "params": params, "capital": self.capital}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Phrase:
        """The phrase ``to_data`` gave; nested phrases come back as phrases."""
        params = {
            k: cls.from_data(v) if isinstance(v, Mapping) and "id" in v else v
            for k, v in dict(data.get("params") or {}).items()
        }
        return cls(str(data["id"]), capital=bool(data.get("capital")), **params)

    def __str__(self) -> str:
        return self.text(_english)

    def __repr__(self) -> str:
        return f"Phrase({self.msgid!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def _english(message: str) -> str:
    return message


def one_of(words: Iterable[str]) -> Phrase:
    """``a or b or c`` as a phrase whose words and whose "or" are translated."""
    phrases = [Phrase(word) for word in words]
    joined = phrases[0]
    for word in phrases[1:]:
        joined = Phrase(N_("{first} or {second}"), first=joined, second=word)
    return joined


def render(tr: Translate, msgid: str, params: Mapping[str, object]) -> str:
    """``msgid`` translated with ``tr``, its ``{named}`` placeholders filled in.

    A parameter that is a ``Phrase`` is translated too; any other is shown as it is
    (codes, ticket numbers, times). A message without parameters is not formatted, so a
    literal brace in it stays.
    """
    text = tr(msgid) if msgid else msgid
    if not params:
        return text
    values = {k: v.text(tr) if isinstance(v, Phrase) else v for k, v in params.items()}
    return text.format(**values)
