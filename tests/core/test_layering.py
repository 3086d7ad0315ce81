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


def test_printing_a_ticket_loads_no_qt_at_run_time(tmp_path: Path) -> None:
    """An import-time check cannot see a lazy import: print through each back end."""
    code = (
        "import json, sys\n"
        "from escpos.printer import Dummy\n"
        "from printing.printers import EscposPrinter, open_printer, register_backend\n"
        "from tests.printing import samples\n"
        f"pdf = open_printer('pdf:{tmp_path}').print_ticket(samples.content())\n"
        "device = Dummy()\n"
        "EscposPrinter('here', lambda: device, name='dummy').print_ticket(\n"
        "    samples.content())\n"
        "try:\n"
        "    open_printer('system')\n"
        "except Exception as exc:\n"
        "    refusal = str(exc)\n"
        "print(json.dumps({'pdf': pdf, 'escpos': len(device.output), 'system': refusal,\n"
        "                  'qt': sorted(m for m in sys.modules if m.startswith('PySide6'))}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert Path(result["pdf"]).is_file()
    assert result["escpos"] > 1000
    assert "windows" in result["system"]
    assert result["qt"] == []
