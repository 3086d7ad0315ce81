"""Database URLs read with care: a malformed one is refused saying what is wrong, and no
message, log line or error ever shows a password, whatever the URL looks like.

A URL that parses cleanly is shown by SQLAlchemy with its password hidden, and with the
values of query keys that hold one (``?password=``) hidden too. A URL that does not parse
cleanly may hold its password anywhere (an ``@`` left unencoded moves part of it into the
host), so it is shown as its scheme and what follows its last ``@`` only.
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus, unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from kiosk.bounds import is_text
from kiosk.errors import DatabaseURLError
from kiosk.i18n import N_, Phrase

HIDDEN = "***"
EXAMPLE = "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE or sqlite:///FILE"
# The drivers Kezek is built with, per store.
DRIVERS = {
    "sqlite": ("sqlite", "sqlite+pysqlite"),
    "postgresql": ("postgresql", "postgresql+psycopg"),
}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?://)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _secret_key(key: str) -> bool:
    """A query key whose value is a password (libpq's ``password``, ``sslpassword``)."""
    return "pass" in key.lower()


def _problem(text: str) -> tuple[Phrase | None, URL | None]:
    """What is wrong with ``text`` as a database URL (None if nothing), and the parsed URL."""
    if not is_text(text):
        return Phrase(N_("it is not valid UTF-8 text")), None
    if _CONTROL.search(text):
        return Phrase(N_("it holds a NUL, a line break or another control character")), None
    try:
        url = make_url(text)
    except ArgumentError:
        return Phrase(N_("it does not look like {example}"), example=EXAMPLE), None
    except ValueError:  # SQLAlchemy reads the port with int()
        return Phrase(N_("the port is not a number from 1 to 65535")), None
    backend = url.get_backend_name()
    if backend not in DRIVERS:
        return Phrase(
            N_("Kezek runs on SQLite or PostgreSQL, not '{dialect}'"), dialect=backend
        ), url
    if url.drivername not in DRIVERS[backend]:
        return Phrase(
            N_("Kezek reaches {store} through '{driver}', not '{given}'"),
            store=backend,
            driver=DRIVERS[backend][-1],
            given=url.drivername,
        ), url
    if url.port is not None and not 1 <= url.port <= 65535:
        return Phrase(N_("the port is not a number from 1 to 65535")), url
    if backend == "postgresql" and (
        "@" in (url.host or "") or "@" in (url.database or "") or "/" in (url.database or "")
    ):
        return Phrase(
            N_(
                "the user name or password holds an unencoded '@' or '/' "
                "(write them as %40 and %2F)"
            )
        ), url
    return None, url


def parse_url(text: str) -> URL:
    """The parsed URL, or ``DatabaseURLError`` (exit 2) saying what is wrong, password hidden."""
    problem, url = _problem(text)
    if problem is not None or url is None:
        raise DatabaseURLError(
            N_("The database URL {url} is not valid: {problem}."),
            url=redacted(text),
            problem=problem or Phrase(N_("it cannot be read")),
        ) from None
    return url


def _shown(url: URL) -> str:
    shown = url.set(query={}).render_as_string(hide_password=True)
    parts = [
        f"{quote_plus(key)}={HIDDEN if _secret_key(key) else quote_plus(value)}"
        for key, values in url.query.items()
        for value in ((values,) if isinstance(values, str) else values)
    ]
    return shown + ("?" + "&".join(parts) if parts else "")


def redacted(text: str) -> str:
    """A URL that may be malformed, with nothing that could be its password: its scheme and
    what follows its last ``@``, less any query (which may hold a password too)."""
    scheme = _SCHEME.match(text) if is_text(text) else None
    if scheme is None:
        return HIDDEN
    rest = text[scheme.end() :]
    at = rest.rfind("@")
    if at < 0:
        return scheme.group(0) + HIDDEN
    after, question, _query = rest[at + 1 :].partition("?")
    return f"{scheme.group(0)}{HIDDEN}@{_CONTROL.sub('?', after)}{'?' + HIDDEN if question else ''}"


def safe_url(url: str | URL) -> str:
    """The URL as it may be shown or logged: never with its password."""
    if isinstance(url, URL):
        return _shown(url)
    problem, parsed = _problem(url)
    if problem is not None or parsed is None:
        return redacted(url)
    return _shown(parsed)


def secrets_in(text: str | None) -> set[str]:
    """Every piece of ``text`` that may be a password, as written and decoded, so that a
    message from elsewhere (a driver, a library) can be scrubbed of it."""
    if not text or not is_text(text):
        return set()
    found: set[str] = set()
    scheme = _SCHEME.match(text)
    rest = text[scheme.end() :] if scheme else text
    userinfo = rest[: rest.rfind("@")] if "@" in rest else ""
    if ":" in userinfo:
        found.add(userinfo.split(":", 1)[1])
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        url = None
    if url is not None:
        if url.password:
            found.add(str(url.password))
        for key, values in url.query.items():
            if _secret_key(key):
                found.update((values,) if isinstance(values, str) else values)
    found |= {unquote(secret) for secret in found}
    return {secret for secret in found if secret}


def scrub(message: str, secrets: set[str]) -> str:
    """``message`` with every one of ``secrets`` replaced by ``***``."""
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, HIDDEN)
    return message
