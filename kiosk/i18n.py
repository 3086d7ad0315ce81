"""One translation system for core, printing and windows: gettext catalogs per language.

Message ids are English. ``N_`` marks a string for extraction where it is defined and
translated later, when the visitor's language is known.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache

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
