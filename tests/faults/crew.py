"""Worker processes a fault test starts, kills, starts again and finally stops."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.faults.workers import read_log

ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_S = 30.0


@dataclass
class Member:
    name: str
    argv: list[str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    lines_at_start: int = 0


class Crew:
    """Kiosks and desks (``tests.faults.workers``) on one store, each with a log and a name."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self.members: dict[str, Member] = {}
        self.kills = 0
        self.kills_mid_work = 0

    def add(self, name: str, role: str, desk: str | None = None) -> Member:
        log = self.folder / f"{name}.jsonl"
        argv = [sys.executable, "-m", "tests.faults.workers", role, "--db", self.url]
        argv += ["--log", str(log), "--name", name]
        if desk is not None:
            argv += ["--desk", desk]
        member = Member(name, argv, log)
        self.members[name] = member
        self.start(member)
        return member

    def start(self, member: Member) -> None:
        err = (self.folder / f"{member.name}-stderr.txt").open("ab")
        with err:
            member.process = subprocess.Popen(
                member.argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err
            )
        member.started_at = time.monotonic()
        member.lines_at_start = len(read_log(str(member.log)))

    def kill_and_restart(self, member: Member) -> None:
        """SIGKILL at whatever it is doing, then the same worker again, as systemd would."""
        assert member.process is not None
        if member.process.poll() is None:
            member.process.send_signal(signal.SIGKILL)
            self.kills += 1
            # It had answered since it started: the kill landed in its work, not its start-up.
            if len(read_log(str(member.log))) > member.lines_at_start:
                self.kills_mid_work += 1
        member.process.wait()
        self.start(member)

    def wait_working(self, timeout: float = 90.0) -> None:
        """Until every worker has answered at least once (a cold start takes seconds)."""
        deadline = time.monotonic() + timeout
        for member in self.members.values():
            while not read_log(str(member.log)):
                assert not self.dead(), self.dead()
                assert time.monotonic() < deadline, f"{member.name} never answered"
                time.sleep(0.1)

    def dead(self) -> list[str]:
        """Workers that ended by themselves, with the end of what they said."""
        found = []
        for member in self.members.values():
            if member.process is not None and member.process.poll() is not None:
                code = member.process.returncode
                found.append(f"{member.name} exited {code}: {self.stderr(member)}")
        return found

    def stderr(self, member: Member) -> str:
        path = self.folder / f"{member.name}-stderr.txt"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-12:])

    def stop(self) -> None:
        """SIGTERM to all, a wait, then SIGKILL to any left."""
        for member in self.members.values():
            if member.process is not None and member.process.poll() is None:
                member.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for member in self.members.values():
            if member.process is None:
                continue
            try:
                member.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                member.process.kill()
                member.process.wait()

    def lines(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for member in self.members.values():
            out.extend(read_log(str(member.log)))
        return out

    def count(self, name: str, kind: str) -> int:
        return sum(1 for line in read_log(str(self.members[name].log)) if line["kind"] == kind)
