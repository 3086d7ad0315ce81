"""PINs stored only as salted scrypt hashes, checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from kiosk.errors import QueueRuleError
from kiosk.i18n import N_

# ASCII digits only: a keypad types no other, and "\d" would take "٤٨٢١" too.
PIN_RE = re.compile(r"[0-9]{4,8}")
# scrypt cost: about 50 ms per check here, slow enough to make guessing dear.
N, R, P = 2**14, 8, 1


def check_format(pin: str) -> None:
    """Refuse a PIN that is not 4-8 digits."""
    if not PIN_RE.fullmatch(pin):
        raise QueueRuleError(N_("A PIN is 4 to 8 digits."))


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_pin(pin: str) -> str:
    """``scrypt$n$r$p$salt$hash`` for a valid PIN."""
    check_format(pin)
    salt = secrets.token_bytes(16)
    digest = _derive(pin, salt, N, R, P)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches the stored hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt" or not PIN_RE.fullmatch(pin):
        return False
    actual = _derive(pin, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, base64.b64decode(digest))
