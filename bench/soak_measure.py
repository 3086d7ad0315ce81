"""The soak run's figures: each process's memory over time, and the feed's lag.

Memory is the resident set (``VmRSS`` in ``/proc/PID/status``) sampled every few seconds;
growth is the least-squares slope, in MiB an hour, over the second half of the run (the
first half holds the warm-up: caches filling, the allocator settling). A face's own status
lines (live Python objects, widgets, references to ``None``) tell a Python leak from a Qt
one or from memory below both.
"""

from __future__ import annotations

import json
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import stats

STOP_TIMEOUT_S = 30.0
FLAT_MB_PER_HOUR = 1.0  # growth below this over the second half counts as flat


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MiB, or None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def slope_per_hour(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, value) points, in value per hour."""
    if len(points) < 3:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return None
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return cov / var * 3600


def second_half(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if not points:
        return []
    middle = (points[0][0] + points[-1][0]) / 2
    return [p for p in points if p[0] >= middle]


@dataclass
class Proc:
    """A process of the run, its log and its memory samples (seconds since the start, MiB)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    stderr: Path
    samples: list[tuple[float, float]] = field(default_factory=list)
    died: int | None = None

    def lines(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        out = []
        for line in self.log.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line being written as we read
        return out

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def stderr_tail(self) -> str:
        if not self.stderr.exists():
            return ""
        return "\n".join(self.stderr.read_text(errors="replace").splitlines()[-15:])


def memory_report(proc: Proc) -> dict[str, Any]:
    samples = proc.samples
    if not samples:
        return {"samples": 0}
    values = [v for _, v in samples]
    half = second_half(samples)
    slope = slope_per_hour(half)
    report: dict[str, Any] = {
        "pid": proc.popen.pid,
        "samples": len(samples),
        "rss_start_mb": round(values[0], 1),
        "rss_end_mb": round(values[-1], 1),
        "rss_max_mb": round(max(values), 1),
        "growth_mb_per_hour_second_half": None if slope is None else round(slope, 2),
        "growth_mb_per_hour_whole_run": _round(slope_per_hour(samples)),
        "flat": slope is not None and slope <= FLAT_MB_PER_HOUR,
    }
    if proc.died is not None:
        report["died_with"] = proc.died
        report["stderr_tail"] = proc.stderr_tail()
    statuses = [line for line in proc.lines() if "python_objects" in line]
    if statuses:
        t0 = statuses[0]["t"]
        first, last = statuses[0], statuses[-1]
        keys = ("none_refs", "python_objects", "widgets", "pending_ops", "pool_threads")
        report["inside"] = {
            "first": {k: first.get(k) for k in keys},
            "last": {k: last.get(k) for k in keys},
            "python_objects_per_hour_second_half": _round(
                slope_per_hour(
                    second_half([(s["t"] - t0, float(s["python_objects"])) for s in statuses])
                )
            ),
            "widgets_per_hour_second_half": _round(
                slope_per_hour(second_half([(s["t"] - t0, float(s["widgets"])) for s in statuses]))
            ),
            "types_grown_second_half": grown_types(statuses),
            "counts": {
                k: v
                for k, v in last.items()
                if k not in (*keys, "kind", "t", "pid", "role") and isinstance(v, int)
            },
        }
    return report


def grown_types(statuses: list[dict[str, Any]]) -> dict[str, int]:
    """The kinds of live object that grew from the middle of the run to its end."""
    middle = statuses[len(statuses) // 2].get("most_common_types", {})
    last = statuses[-1].get("most_common_types", {})
    grown = {kind: n - middle.get(kind, 0) for kind, n in last.items()}
    return dict(sorted(((k, n) for k, n in grown.items() if n > 0), key=lambda kn: -kn[1])[:10])


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def lag_report(calls: list[dict[str, Any]], seen: dict[int, float], since: float) -> dict[str, Any]:
    """From each call's commit to its being seen, for calls made after ``since``."""
    lags = []
    missed = 0
    for call in calls:
        if call["t"] < since:
            continue
        at = seen.get(call["ticket_id"])
        if at is None:
            missed += 1
        else:
            lags.append((at - call["t"]) * 1000)
    return {**stats(lags), "not_seen": missed}
