"""Where ``kezek report`` writes: the PDF, the internal tables and the open data, together.

Each goes under a temporary name first and all are moved into place at the end, so that
a failure leaves nothing half-written; the open data never shares a folder with the
internal tables, which hold personal data.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import OutputError, SharedFolderError
from kiosk.i18n import N_
from kiosk.open_data import OpenDataPackage, is_package_folder, write_package
from kiosk.staging import Staging, destination_of
from kiosk.stats import PeriodStats
from printing.report_csv import is_internal_folder, write_tables


def check_separate(csv_folder: str | None, open_folder: str | None) -> None:
    """Refuse an open-data folder that is, holds or lies in the internal tables' folder."""
    if not csv_folder or not open_folder:
        return
    internal, public = Path(csv_folder).resolve(), Path(open_folder).resolve()
    if internal == public or internal in public.parents or public in internal.parents:
        raise SharedFolderError(open_folder)


def write_report_files(
    out: Path,
    pdf: bytes,
    figures: PeriodStats,
    lang: str,
    *,
    csv_folder: Path | None = None,
    open_data: tuple[OpenDataPackage, Path] | None = None,
) -> list[Path]:
    """Write the PDF, the internal tables and the open-data package; return every path."""
    try:
        with Staging() as staging:
            staging.file(out).write_bytes(pdf)
            written = [out]
            if csv_folder is not None:
                folder = staging.folder(csv_folder, replaceable=is_internal_folder)
                written += [csv_folder / p.name for p in write_tables(figures, folder, lang)]
            if open_data is not None:
                package, open_folder = open_data
                folder = staging.folder(open_folder, replaceable=is_package_folder)
                written += [open_folder / p.name for p in write_package(package, folder)]
    except OSError as exc:
        raise OutputError(
            N_("Cannot write {path}: {reason}."),
            path=str(destination_of(exc.filename or out)),
            reason=exc.strerror or str(exc),
        ) from exc
    return written
