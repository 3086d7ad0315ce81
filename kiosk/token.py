"""Signed ticket codes for the QR: compact, scanner-friendly, refused when forged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import date

from kiosk.errors import InvalidTokenError

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


def parse(token: str) -> tuple[int, str]:
    """The ticket id and signature of a token; ``InvalidTokenError`` if malformed."""
    match = TOKEN_RE.match(token.strip().upper())
    if match is None:
        raise InvalidTokenError("it is not a Kezek ticket code")
    return int(match.group(1)), match.group(2)


def check(secret: str, signature: str, ticket_id: int, day: date, display: str) -> None:
    """Raise ``InvalidTokenError`` unless ``signature`` was made by this hall for this ticket."""
    expected = _signature(secret, ticket_id, day, display)
    if not hmac.compare_digest(expected, signature):
        raise InvalidTokenError("the signature does not match (forged or altered)")
