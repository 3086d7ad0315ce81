"""The core stays free of Qt, windows and printing; printing stays free of windows."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def modules(package: str) -> list[str]:
    names = [package]
    for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
        if ".migrations" not in info.name and not info.name.endswith("__main__"):
            names.append(info.name)
    return names


def loaded_after_importing(names: list[str]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    loaded: list[str] = json.loads(run.stdout)
    return loaded


def test_no_kiosk_module_imports_qt_ui_or_printing() -> None:
    names = modules("kiosk")
    assert "kiosk.queue" in names and "kiosk.cli" in names
    loaded = loaded_after_importing(names)
    assert [m for m in loaded if m.split(".")[0] in ("PySide6", "ui", "printing")] == []


def test_no_printing_module_imports_qt_or_ui() -> None:
    loaded = loaded_after_importing(modules("printing"))
    assert [m for m in loaded if m.split(".")[0] in ("PySide6", "ui")] == []


def test_the_kezek_command_runs_headless_commands_without_qt() -> None:
    code = (
        "import sys\n"
        "from ui.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('PySide6' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert "kezek 0." in run.stdout
    assert run.stdout.strip().endswith("False")
