"""Writing a command's output files so that a failure leaves nothing half written: each file
goes to a temporary name beside its place and is renamed into it once all are written."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from types import TracebackType


class StagedFiles:
    """Output files and folders written under temporary names, put in place by ``commit``.

    As a context manager, anything still staged when the block ends (an error) is removed.
    A staged folder's files are moved one by one into the folder named, which may exist.
    """

    def __init__(self) -> None:
        self.files: list[tuple[Path, Path]] = []
        self.folders: list[tuple[Path, Path]] = []

    def file(self, final: Path) -> Path:
        """A temporary path beside ``final`` to write it at (its folder made if need be)."""
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.part")
        self.files.append((temporary, final))
        return temporary

    def folder(self, final: Path) -> Path:
        """A temporary folder beside ``final`` to write its files into."""
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.part")
        temporary.mkdir()
        self.folders.append((temporary, final))
        return temporary

    def commit(self) -> list[Path]:
        """Rename everything into place; return the final paths of the files."""
        placed: list[Path] = []
        for temporary, final in self.folders:
            final.mkdir(parents=True, exist_ok=True)
            for path in sorted(temporary.iterdir()):
                os.replace(path, final / path.name)
                placed.append(final / path.name)
        for temporary, final in self.files:
            os.replace(temporary, final)
            placed.append(final)
        self.discard()
        return placed

    def discard(self) -> None:
        """Remove whatever is still staged."""
        for temporary, _final in self.files:
            temporary.unlink(missing_ok=True)
        for temporary, _final in self.folders:
            shutil.rmtree(temporary, ignore_errors=True)
        self.files, self.folders = [], []

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.discard()
