"""The entry script PyInstaller freezes into ``kezek``: the console script's ``main()``."""

import os
import sys

from ui.cli import main

if getattr(sys, "frozen", False):
    # build.spec drops PyInstaller's PySide6 run-time hook, which imports QtCore at every
    # start (headless commands too); its one needed step is this: Qt's plugins from the
    # bundle, never from a system Qt named in the environment.
    # PyInstaller sets sys._MEIPASS (the bundle's folder) at run time; no stub knows it.
    bundle: str = getattr(sys, "_MEIPASS")  # noqa: B009
    qt = os.path.join(bundle, "PySide6")
    if sys.platform != "win32":
        qt = os.path.join(qt, "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")

if __name__ == "__main__":
    sys.exit(main())
