"""``kezek reprint`` and ``render-ticket`` on both stores: files, --json, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from kiosk import cli as core_cli
from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from printing import cli as printing_cli
from tests.printing.pdf_text import media_box, text_lines


def kezek(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    parser, commands = core_cli.build_parser()
    printing_cli.add_commands(parser, commands)
    code = core_cli.run(parser, list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def today(clock: FixedClock) -> FixedClock:
    """The fixture's clock moved to now, so that numbers are found as today's."""
    clock.now = datetime.now(UTC)
    return clock


def test_reprint_writes_the_pdf_and_exits_0(
    queue: QueueService, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queue.issue("ENT-REG")
    ticket = queue.issue("ENT-REG", lang="kk").ticket
    code, out, err = kezek(
        capsys, "reprint", str(ticket.id), "--db", store_url, "--printer", f"pdf:{tmp_path}"
    )
    assert (code, err) == (0, "")
    path = tmp_path / ticket.day.isoformat() / f"A-002-{ticket.id}.pdf"
    assert out.strip() == f"A-002 reprinted: {path}"
    pdf = path.read_bytes()
    assert media_box(pdf)[0] == pytest.approx(226.77, abs=0.01)
    lines = text_lines(pdf)
    # The visitor's language (kk) for hall content; one person is still ahead.
    assert "A-002" in lines and "Test hall kk" in lines and "Register kk" in lines
    assert "Алдыңызда: 1" in lines


def test_reprint_by_number_in_json_with_another_language_and_roll(
    queue: QueueService,
    today: FixedClock,
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for _ in range(3):
        queue.issue("LAND-1")
    ticket = queue.issue("LAND-1", lang="kk").ticket
    code, out, _ = kezek(
        capsys,
        "--db",
        store_url,
        "reprint",
        "l-004",
        "--printer",
        f"pdf:{tmp_path}",
        "--lang",
        "ru",
        "--paper",
        "58",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["ticket"]["id"] == ticket.id and data["ticket"]["display"] == "L-004"
    # Three ahead; LAND-1 takes 20 min a visitor at its one desk.
    assert (data["people_ahead"], data["wait_min"]) == (3, 60)
    assert data["printer"] == f"pdf:{tmp_path}"
    pdf = Path(data["output"]).read_bytes()
    assert media_box(pdf)[0] == pytest.approx(164.41, abs=0.01)
    assert "Plots ru" in text_lines(pdf)


def test_an_unknown_ticket_exits_3(
    queue: QueueService, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = kezek(
        capsys, "--db", store_url, "reprint", "Z-999", "--printer", f"pdf:{tmp_path}"
    )
    assert (code, out) == (3, "")
    assert err.strip() == "kezek reprint: No ticket Z-999 was found."
    code, _, err = kezek(
        capsys, "--db", store_url, "reprint", "9999", "--printer", f"pdf:{tmp_path}"
    )
    assert code == 3 and "No ticket #9999" in err
    assert not list(tmp_path.glob("*/*.pdf"))


def test_a_finished_ticket_is_not_reprinted(
    queue: QueueService, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ticket = queue.issue("ENT-REG").ticket
    queue.cancel(ticket.id)
    code, _, err = kezek(
        capsys, "--db", store_url, "reprint", str(ticket.id), "--printer", f"pdf:{tmp_path}"
    )
    assert code == 3
    assert "A-001 is cancelled: only a waiting, called or serving ticket is reprinted" in err


def test_a_printer_failure_exits_5_with_the_message(
    queue: QueueService, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ticket = queue.issue("ENT-REG").ticket
    code, out, err = kezek(capsys, "--db", store_url, "reprint", str(ticket.id), "--printer", "foo")
    assert (code, out) == (5, "")
    assert err.strip() == (
        "kezek reprint: Unknown printer 'foo': use pdf:FOLDER, system[:NAME], "
        "escpos:tcp://HOST:PORT or escpos:usb:VID:PID."
    )


def test_render_ticket_writes_a_png_as_the_thermal_printer_would(
    queue: QueueService, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ticket = queue.issue("ENT-SUP").ticket
    out_file = tmp_path / "preview.png"
    code, out, _ = kezek(
        capsys, "--db", store_url, "render-ticket", str(ticket.id), "--out", str(out_file)
    )
    assert code == 0 and out.strip() == f"B-001 -> {out_file}"
    with Image.open(out_file) as image:
        assert image.width == 576
    code, _, err = kezek(
        capsys, "--db", store_url, "render-ticket", str(ticket.id), "--out", str(tmp_path / "x.jpg")
    )
    assert code == 2 and "must end in .pdf or .png" in err


def test_registering_the_commands_loads_no_rendering_library() -> None:
    # ui/cli.py imports printing.cli for every command, even `kezek issue`.
    code = (
        "import json, sys\n"
        "from kiosk import cli\n"
        "from printing import cli as printing_cli\n"
        "parser, commands = cli.build_parser()\n"
        "printing_cli.add_commands(parser, commands)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=120,
        check=True,
    )
    heavy = ("reportlab", "escpos", "qrcode", "PIL", "PySide6", "sqlalchemy")
    assert [m for m in json.loads(run.stdout) if m.split(".")[0] in heavy] == []
