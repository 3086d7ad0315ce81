"""Outputs written under temporary names, then moved into place together.

A command that fails half-way (a full disk, a folder it may not write) leaves nothing
behind but what was there before: no PDF without its tables, no package without its
descriptor. The temporary names sit beside their destinations, so the final step is a
rename on one file system.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from kiosk.errors import FolderTakenError

_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{8}\.(partial|old)$")


def destination_of(path: str | Path) -> Path:
    """The destination that a temporary ``path`` stands for (``path`` itself otherwise),
    so that a message names the file the person asked for."""
    path = Path(path)
    found = _TEMPORARY.match(path.name)
    return path.parent / found["name"] if found else path


class Staging:
    """Collects outputs under temporary names; ``commit`` moves them into place.

    Used as a context manager, it commits when the block ends normally and removes
    every temporary file and folder (and folders it created) when the block raises.
    """

    def __init__(self) -> None:
        self._tag = secrets.token_hex(4)
        self._files: list[tuple[Path, Path]] = []
        self._folders: list[tuple[Path, Path]] = []
        self._made: list[Path] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        else:
            self.discard()

    def _temporary(self, destination: Path) -> Path:
        self._make_parents(destination.parent)
        return destination.parent / f".{destination.name}.{self._tag}.partial"

    def _make_parents(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self._made.append(path)

    def file(self, destination: Path) -> Path:
        """Where to write what becomes ``destination`` (replaced if it exists)."""
        temporary = self._temporary(destination)
        self._files.append((temporary, destination))
        return temporary

    def folder(self, destination: Path, *, replaceable: Callable[[Path], bool]) -> Path:
        """An empty folder to fill; it becomes ``destination`` at ``commit``.

        An existing ``destination`` must be empty, or one that ``replaceable`` accepts
        (one this command wrote before): it is then replaced whole. Anything else raises
        ``FolderTakenError``, so that no file of someone else's is ever deleted.
        """
        if destination.exists():
            if not destination.is_dir():
                raise FolderTakenError(destination, [destination.name])
            entries = sorted(p.name for p in destination.iterdir())
            if entries and not replaceable(destination):
                raise FolderTakenError(destination, entries)
        temporary = self._temporary(destination)
        temporary.mkdir()
        self._folders.append((temporary, destination))
        return temporary

    def commit(self) -> None:
        """Move every output into place; an old folder is replaced whole."""
        for temporary, destination in self._files:
            os.replace(temporary, destination)
        for temporary, destination in self._folders:
            old = destination.parent / f".{destination.name}.{self._tag}.old"
            had_old = destination.exists()
            if had_old:
                destination.rename(old)
            temporary.rename(destination)
            if had_old:
                shutil.rmtree(old)
        self._files, self._folders, self._made = [], [], []

    def discard(self) -> None:
        """Remove every temporary output, and the folders made for them."""
        for temporary, _destination in self._files:
            temporary.unlink(missing_ok=True)
        for temporary, _destination in self._folders:
            shutil.rmtree(temporary, ignore_errors=True)
        for folder in reversed(self._made):
            # A folder that is not empty holds something else by now: it stays.
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._files, self._folders, self._made = [], [], []
