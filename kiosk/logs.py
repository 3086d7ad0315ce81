"""Logs that rotate under the user log directory, never with a database password."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kiosk.store import safe_url

MAX_BYTES = 1_000_000
BACKUPS = 5


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
    root.addHandler(handler)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    root.addHandler(console)
    return path


def log_start(role: str, terminal: str, url: str) -> None:
    """The first line of a terminal's day: what it is and which store it uses."""
    logging.getLogger("kezek").info("%s %s starting on %s", role, terminal, safe_url(url))
