"""What else happens during a load phase: CPU use by whom, PostgreSQL wait states."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import psycopg

QUIET_SHARE = 0.25  # CPU busy share under which the machine counts as quiet


def cpu_times() -> tuple[float, float] | None:
    """(busy, total) jiffies of all CPUs, from /proc/stat (Linux only)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [float(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return sum(fields) - idle, sum(fields)


def cpu_busy_share(before: tuple[float, float] | None, after: tuple[float, float] | None) -> Any:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round((after[0] - before[0]) / (after[1] - before[1]), 3)


def wait_for_quiet(max_wait: float) -> tuple[float | None, float]:
    """Wait (at most ``max_wait`` s) until the CPUs were under 25% busy for one second.

    Returns the last busy share seen and the seconds waited beyond the first check.
    """
    t0 = time.monotonic()
    while True:
        before = cpu_times()
        time.sleep(1.0)
        share = cpu_busy_share(before, cpu_times())
        waited = time.monotonic() - t0 - 1.0
        if share is None or share < QUIET_SHARE or waited >= max_wait:
            return share, round(waited, 1)


class CpuSampler(threading.Thread):
    """CPU use during a phase by whom: this benchmark, the PostgreSQL server, the rest.

    Every 0.5 s it reads /proc/*/stat and adds up each process's CPU time since the last
    sample: this process and its children are "bench", processes named postgres are
    "postgresql", all others (another test run...) are "other". Linux only.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.ticks = {"bench": 0.0, "postgresql": 0.0, "other": 0.0}
        self.top_other: dict[str, float] = {}
        self.hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.started = 0.0
        self.elapsed = 0.0

    @staticmethod
    def _read() -> dict[int, tuple[str, int, float]]:
        out: dict[int, tuple[str, int, float]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as f:
                    raw = f.read()
            except OSError:
                continue
            comm = raw[raw.find("(") + 1 : raw.rfind(")")]
            fields = raw[raw.rfind(")") + 2 :].split()
            out[int(entry.name)] = (comm, int(fields[1]), float(fields[11]) + float(fields[12]))
        return out

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        me = os.getpid()
        before = self._read()
        self.started = time.monotonic()
        while not self.stop.wait(0.5):
            now = self._read()
            for pid, (comm, ppid, cpu) in now.items():
                old = before.get(pid)
                delta = cpu - old[2] if old and old[0] == comm else 0.0
                if delta <= 0:
                    continue
                if pid == me or ppid == me:
                    who = "bench"
                elif comm.startswith("postgres"):
                    who = "postgresql"
                else:
                    who = "other"
                    self.top_other[comm] = self.top_other.get(comm, 0.0) + delta
                self.ticks[who] += delta
            before = now
            self.elapsed = time.monotonic() - self.started

    def report(self) -> dict[str, Any]:
        cores = os.cpu_count() or 1
        span = max(self.elapsed, 1e-9) * self.hz * cores
        top = sorted(self.top_other.items(), key=lambda kv: -kv[1])[:3]
        return {
            "share_of_all_cpus": {k: round(v / span, 3) for k, v in self.ticks.items()},
            "top_other": {k: round(v / span, 3) for k, v in top},
        }


class PgWaitSampler(threading.Thread):
    """Samples pg_stat_activity of the bench database every 50 ms during a phase.

    For each sample it counts the backends by state and wait event, and which state the
    holder of an advisory lock (Kezek's event lock) is in.
    """

    def __init__(self, conninfo: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        self.conninfo = {k: v for k, v in conninfo.items() if k != "options"}
        self.stop = threading.Event()
        self.samples = 0
        self.backends: dict[str, int] = {}
        self.lock_holder: dict[str, int] = {}
        self.error: str | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(**self.conninfo, autocommit=True) as conn:
                while not self.stop.wait(0.05):
                    rows = conn.execute(
                        "SELECT state || ' / ' || coalesce(wait_event_type || ':' || wait_event,"
                        " 'on CPU'), count(*) FROM pg_stat_activity WHERE datname = %s "
                        "AND state <> 'idle' AND pid <> pg_backend_pid() GROUP BY 1",
                        (self.conninfo["dbname"],),
                    ).fetchall()
                    holders = conn.execute(
                        "SELECT a.state || ' / ' || coalesce(a.wait_event_type || ':' || "
                        "a.wait_event, 'on CPU'), count(*) FROM pg_locks l "
                        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                        "AND l.granted AND a.datname = %s GROUP BY 1",
                        (self.conninfo["dbname"],),
                    ).fetchall()
                    self.samples += 1
                    for key, n in rows:
                        self.backends[key] = self.backends.get(key, 0) + n
                    for key, n in holders:
                        self.lock_holder[key] = self.lock_holder.get(key, 0) + n
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"

    def report(self) -> dict[str, Any]:
        n = max(1, self.samples)
        order = sorted(self.backends.items(), key=lambda kv: -kv[1])
        return {
            "samples": self.samples,
            "mean_backends_by_state": {k: round(v / n, 2) for k, v in order},
            "advisory_lock_held_share_by_holder_state": {
                k: round(v / n, 3)
                for k, v in sorted(self.lock_holder.items(), key=lambda kv: -kv[1])
            },
            **({"error": self.error} if self.error else {}),
        }
