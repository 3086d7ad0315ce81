"""Open data that names no one: a period's visits as a Frictionless Data Package.

``kezek report ... --open-data DIR`` writes it. The modules: ``anonymise`` (the rules:
coarsening, the officer rule, k-anonymity, small cells), ``tables`` (the published tables,
gathered in one pass over the visits of ``kiosk.stats.open_data``), ``fields`` (the data
dictionary in kk, ru and en) and ``package`` (the descriptor and the files).
"""

from kiosk.open_data.anonymise import WITHHELD, Rules, k_anonymise
from kiosk.open_data.package import (
    DESCRIPTOR,
    MARKER,
    PACKAGE_FILES,
    OpenDataPackage,
    build_package,
    is_package_folder,
    write_package,
)

__all__ = [
    "DESCRIPTOR",
    "MARKER",
    "PACKAGE_FILES",
    "WITHHELD",
    "OpenDataPackage",
    "Rules",
    "build_package",
    "is_package_folder",
    "k_anonymise",
    "write_package",
]
