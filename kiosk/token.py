"""Signed ticket codes for the QR: compact, scanner-friendly, refused when forged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import date

from kiosk.errors import InvalidTokenError
from kiosk.i18n import N_

VERSION = "K1"
SIGNATURE_BYTES = 10
# Upper-case letters and digits only: a USB scanner types them as keystrokes.
TOKEN_RE = re.compile(r"^K1-(\d{1,18})-([A-Z2-7]{16})$")


def new_secret() -> str:
    """A fresh per-hall signing secret."""
    return secrets.token_hex(32)


def _signature(secret: str, ticket_id: int, day: date, display: str) -> str:
    message = f"{VERSION}|{ticket_id}|{day.isoformat()}|{display}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.b32encode(digest).decode()


def sign(secret: str, ticket_id: int, day: date, display: str) -> str:
    """The token printed in a ticket's QR code."""
    return f"{VERSION}-{ticket_id}-{_signature(secret, ticket_id, day, display)}"


# A USB scanner types key codes: with a Russian or Kazakh keyboard layout active, the
# letters arrive as the Cyrillic letters on the same keys, and on the Kazakh layout the
# digit row types Kazakh letters. Both are mapped back before the code is read.
_RUSSIAN_KEYS = "йцукенгшщзхъфывапролджэячсмитьбю"
_LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,."
_KAZAKH_DIGIT_ROW = {
    "!": "1",
    "ә": "2",
    "і": "3",
    "ң": "4",
    "ғ": "5",
    "ү": "8",
    "ұ": "9",
    "қ": "0",
    "ө": "-",
}
_LAYOUT = str.maketrans(
    {
        **dict(zip(_RUSSIAN_KEYS, _LATIN_KEYS, strict=True)),
        **dict(zip(_RUSSIAN_KEYS.upper(), _LATIN_KEYS.upper(), strict=True)),
        **_KAZAKH_DIGIT_ROW,
        **{k.upper(): v for k, v in _KAZAKH_DIGIT_ROW.items() if k.isalpha()},
    }
)


def normalise_scan(text: str) -> str:
    """A scanned code as the printer meant it, whatever keyboard layout typed it."""
    return text.strip().translate(_LAYOUT)


def parse(token: str) -> tuple[int, str]:
    """The ticket id and signature of a token; ``InvalidTokenError`` if malformed."""
    match = TOKEN_RE.match(token.strip().upper()) or TOKEN_RE.match(normalise_scan(token).upper())
    if match is None:
        raise InvalidTokenError(N_("it is not a Kezek ticket code"))
    return int(match.group(1)), match.group(2)


def check(secret: str, signature: str, ticket_id: int, day: date, display: str) -> None:
    """Raise ``InvalidTokenError`` unless ``signature`` was made by this hall for this ticket."""
    expected = _signature(secret, ticket_id, day, display)
    if not hmac.compare_digest(expected, signature):
        raise InvalidTokenError(N_("the signature does not match (forged or altered)"))
