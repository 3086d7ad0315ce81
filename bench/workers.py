"""Kiosk and desk worker processes that time each operation on the engine or the floor."""

from __future__ import annotations

import functools
import random
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from bench.baselines import RawOps, RawPgOps, RawSqliteOps
from kiosk.queue import QueueService

DESK_PERIOD = 2.0  # seconds between two calls of one desk


class EngineOps:
    """The product: one QueueService per kiosk or desk, as a terminal would hold it."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.queue = QueueService.from_url(spec["url"])

    def issue(self, service_code: str, request_id: str) -> None:
        self.queue.issue(service_code, lang="ru", source="kiosk", request_id=request_id)

    def call_next(self, desk_code: str) -> bool:
        return self.queue.call_next(desk_code) is not None

    def complete(self, desk_code: str) -> None:
        self.queue.complete(desk_code)

    def close(self) -> None:
        self.queue.close()


def make_ops(spec: dict[str, Any]) -> EngineOps | RawOps:
    if spec["impl"] == "engine":
        return EngineOps(spec)
    if spec["dialect"] == "sqlite":
        return RawSqliteOps(spec, fair=spec["impl"] == "raw_fair")
    return RawPgOps(spec)


class Recorder:
    """Per-operation latencies (ms), schedule lags (ms), empty calls and errors."""

    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {}
        self.lag: dict[str, list[float]] = {}
        self.empty_calls = 0
        self.errors: dict[str, int] = {}
        self.error_samples: list[str] = []

    def timed(self, op: str, scheduled: float, fn: Callable[[], Any]) -> Any:
        lag = time.monotonic() - scheduled
        t0 = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:
            key = f"{op}: {type(exc).__name__}"
            self.errors[key] = self.errors.get(key, 0) + 1
            if len(self.error_samples) < 5:
                self.error_samples.append(f"{key}: {str(exc)[:300]}")
            return None
        elapsed = time.perf_counter() - t0
        self.latency.setdefault(op, []).append(elapsed * 1000)
        self.lag.setdefault(op, []).append(max(0.0, lag) * 1000)
        return result

    def report(self) -> dict[str, Any]:
        return {
            "latency": self.latency,
            "lag": self.lag,
            "empty_calls": self.empty_calls,
            "errors": self.errors,
            "error_samples": self.error_samples,
        }


def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def run_kiosk(spec: dict[str, Any], ops: EngineOps | RawOps, start: float) -> Recorder:
    rec = Recorder()
    rng = random.Random(spec["seed"])
    codes = spec["service_codes"]
    rate = spec["rate"]
    end = start + spec["seconds"]
    moment = start
    i = 0
    while True:
        moment += rng.expovariate(rate)
        if moment >= end:
            break
        code = rng.choice(codes)
        request_id = f"{spec['tag']}-k{spec['kiosk']}-{i}"
        i += 1
        sleep_until(moment)
        rec.timed("issue", moment, functools.partial(ops.issue, code, request_id))
    return rec


def run_desk(
    spec: dict[str, Any], ops: EngineOps | RawOps, desk: str, index: int, start: float
) -> Recorder:
    """Every DESK_PERIOD: complete the current ticket (if any), then call the next one."""
    rec = Recorder()
    end = start + spec["seconds"]
    moment = start + index * DESK_PERIOD / spec["desks_total"]
    holding = False
    while moment < end:
        sleep_until(moment)
        if holding:
            rec.timed("complete", moment, lambda: ops.complete(desk))
        got = rec.timed("call_next", moment, lambda: ops.call_next(desk))
        holding = bool(got)
        if got is False:
            rec.empty_calls += 1
        moment += DESK_PERIOD
    if holding:
        try:
            ops.complete(desk)  # leave the desk free; not measured
        except Exception as exc:
            rec.error_samples.append(f"final complete: {type(exc).__name__}: {exc}"[:300])
    return rec


def warm_up_kiosk(spec: dict[str, Any], ops: EngineOps | RawOps) -> None:
    ops.issue(
        spec["service_codes"][spec["kiosk"] % len(spec["service_codes"])],
        f"{spec['tag']}-k{spec['kiosk']}-warm",
    )


def warm_up_desk(ops: EngineOps | RawOps, desk: str) -> None:
    if ops.call_next(desk):
        ops.complete(desk)


def worker_main(spec: dict[str, Any], go: Any, start_at: Any, results: Any) -> None:
    """One kiosk process, or one desk process running several desks as threads."""
    name = spec["name"]
    try:
        if spec["role"] == "kiosk":
            ops = make_ops(spec)
            warm_up_kiosk(spec, ops)
            results.put(("ready", name, None))
            go.wait()
            rec = run_kiosk(spec, ops, start_at.value)
            ops.close()
            results.put(("done", name, [rec.report()]))
            return

        desks: list[tuple[int, str]] = spec["desks"]
        ready = threading.Barrier(len(desks) + 1)
        release = threading.Event()
        reports: list[dict[str, Any]] = []
        failures: list[str] = []
        lock = threading.Lock()

        def desk_thread(index: int, desk: str) -> None:
            ops: EngineOps | RawOps | None = None
            try:
                ops = make_ops(spec)
                warm_up_desk(ops, desk)
            except Exception:
                with lock:
                    failures.append(traceback.format_exc())
            ready.wait()
            release.wait()
            if ops is None:
                return
            rec = run_desk(spec, ops, desk, index, start_at.value)
            ops.close()
            with lock:
                reports.append(rec.report())

        threads = [threading.Thread(target=desk_thread, args=(i, d), daemon=True) for i, d in desks]
        for t in threads:
            t.start()
        ready.wait()
        if failures:
            results.put(("failed", name, failures[0]))
            release.set()
            return
        results.put(("ready", name, None))
        go.wait()
        release.set()
        for t in threads:
            t.join()
        results.put(("done", name, reports))
    except Exception:
        results.put(("failed", name, traceback.format_exc()))
