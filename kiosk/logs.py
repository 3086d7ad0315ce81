"""Logs that rotate under the user log directory, never with a database password."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kiosk.db_url import safe_url, scrub, secrets_in

MAX_BYTES = 1_000_000
BACKUPS = 5


class PasswordFilter(logging.Filter):
    """Scrubs the passwords of the store's URL from every record, whoever logged it (a
    driver's message, an exception's text), before any handler writes it."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = scrub(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, self.secrets)
        return True


# One for the process: every handler setup_logging adds carries it.
PASSWORDS = PasswordFilter()


def log_folder() -> Path:
    """The user log directory for Kezek."""
    from platformdirs import user_log_dir

    return Path(user_log_dir("kezek", appauthor=False))


def setup_logging(name: str, *, folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Log to ``<folder>/<name>.log`` (1 MB, five old files kept) and to stderr for warnings."""
    folder = folder or log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.log"
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PASSWORDS)
    root.addHandler(handler)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.addFilter(PASSWORDS)
    root.addHandler(console)
    return path


def log_start(role: str, terminal: str, url: str) -> None:
    """The first line of a terminal's day: what it is and which store it uses (no password,
    here or in any later line)."""
    PASSWORDS.secrets |= secrets_in(url)
    logging.getLogger("kezek").info("%s %s starting on %s", role, terminal, safe_url(url))
