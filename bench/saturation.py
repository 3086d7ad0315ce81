"""Eight processes on one store as fast as they can: the issue tail and how evenly desks serve."""

from __future__ import annotations

import multiprocessing as mp
import time
import traceback
from typing import Any

from bench.measure import log, stats
from bench.stores import Stores, demo_hall_raw, set_up_store
from bench.workers import make_ops

PROCESSES = 8  # kiosks in the issue phase, desks in the call phase
TICKETS = 400  # issued in all, then called in all


def hall_all_desks_raw(n_desks: int) -> dict[str, Any]:
    """The demo hall's services with ``n_desks`` desks that each serve every service."""
    raw = demo_hall_raw()
    codes = [s["code"] for s in raw["services"]]
    raw["desks"] = [
        {
            "code": f"D{i + 1}",
            "label": {"kk": f"{i + 1}-терезе", "ru": f"Окно {i + 1}", "en": f"Desk {i + 1}"},
            "services": codes,
        }
        for i in range(n_desks)
    ]
    return raw


def saturation_worker(spec: dict[str, Any], go: Any, results: Any) -> None:
    """One kiosk issuing its share back to back, or one desk calling until nothing waits."""
    name = spec["name"]
    try:
        ops = make_ops(spec)
        results.put(("ready", name, None))
        go.wait()
        latency: list[float] = []
        t_start = time.perf_counter()
        if spec["role"] == "kiosk":
            codes = spec["service_codes"]
            for i in range(spec["count"]):
                t0 = time.perf_counter()
                ops.issue(codes[(spec["index"] + i) % len(codes)], f"{name}-{spec['tag']}-{i}")
                latency.append((time.perf_counter() - t0) * 1000)
        else:
            while True:
                t0 = time.perf_counter()
                called = ops.call_next(spec["desk"])
                latency.append((time.perf_counter() - t0) * 1000)
                if not called:
                    break
                ops.complete(spec["desk"])
        busy_s = time.perf_counter() - t_start
        ops.close()
        results.put(("done", name, {"latency": latency, "busy_s": busy_s}))
    except Exception:
        results.put(("failed", name, traceback.format_exc()))


def _run(
    ctx: Any, specs: list[dict[str, Any]], timeout: float
) -> tuple[dict[str, dict[str, Any]], float]:
    """Start the workers, release them together, gather their reports and the wall time."""
    results = ctx.Queue()
    go = ctx.Event()
    procs = [ctx.Process(target=saturation_worker, args=(s, go, results)) for s in specs]
    for proc in procs:
        proc.start()
    reports: dict[str, dict[str, Any]] = {}
    try:
        for _ in procs:
            kind, name, payload = results.get(timeout=180)
            if kind == "failed":
                raise RuntimeError(f"{name} failed while starting:\n{payload}")
        t0 = time.monotonic()
        go.set()
        for _ in procs:
            kind, name, payload = results.get(timeout=timeout)
            if kind == "failed":
                raise RuntimeError(f"{name} failed:\n{payload}")
            reports[name] = payload
        wall = time.monotonic() - t0
    finally:
        go.set()
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
    return reports, wall


def saturate(
    store: dict[str, Any], meta: dict[str, Any], impl: str, tickets: int
) -> dict[str, Any]:
    """Issue ``tickets`` from 8 kiosk processes at once, then call them from 8 desks at once."""
    ctx = mp.get_context("spawn")
    codes = sorted(meta["services"])
    base = {"impl": impl, "dialect": store["kind"], "url": store["url"], "raw": store["raw"]}
    base.update({"meta": meta, "service_codes": codes, "tag": impl})
    per_kiosk = [tickets // PROCESSES + (k < tickets % PROCESSES) for k in range(PROCESSES)]
    kiosks = [
        {**base, "role": "kiosk", "name": f"kiosk{k}", "index": k, "count": per_kiosk[k]}
        for k in range(PROCESSES)
    ]
    issued, issue_wall = _run(ctx, kiosks, timeout=600)
    desks = [
        {**base, "role": "desk", "name": f"D{d + 1}", "desk": f"D{d + 1}"} for d in range(PROCESSES)
    ]
    called, call_wall = _run(ctx, desks, timeout=600)
    issue_ms = [x for r in issued.values() for x in r["latency"]]
    call_ms = [x for r in called.values() for x in r["latency"]]
    # The last call of each desk found nothing: it is not a call.
    per_desk = {name: len(r["latency"]) - 1 for name, r in sorted(called.items())}
    mean = sum(per_desk.values()) / len(per_desk)
    return {
        "issue": {
            **stats(issue_ms),
            "wall_s": round(issue_wall, 2),
            "busy_s_per_kiosk": {n: round(r["busy_s"], 2) for n, r in sorted(issued.items())},
        },
        "call_next": {**stats(call_ms), "wall_s": round(call_wall, 2)},
        "calls_per_desk": per_desk,
        "fewest_calls_to_mean": round(min(per_desk.values()) / mean, 3) if mean else None,
    }


def saturation(stores: Stores, kind: str, tickets: int) -> dict[str, Any]:
    """The engine and the raw-SQL floor, each on a fresh store of 8 desks serving everything."""
    out: dict[str, Any] = {
        "how": f"{PROCESSES} kiosk processes issue {tickets} tickets in all back to back "
        f"(uniform share each), then {PROCESSES} desk processes (every desk serves every "
        "service) call_next + complete back to back until nothing waits; latency of every "
        "issue and call_next, and how many tickets each desk called. raw: the raw-SQL floor "
        "with SQLite's own busy handler; raw_fair (SQLite): the floor waiting for the write "
        "lock as kiosk.store does",
    }
    hall_raw = hall_all_desks_raw(PROCESSES)
    # raw_fair: the raw floor waiting for SQLite's write lock as kiosk.store does.
    for impl in ("engine", "raw", "raw_fair") if kind == "sqlite" else ("engine", "raw"):
        store = stores.fresh(kind, f"sat_{impl}")
        try:
            meta = set_up_store(store, hall_raw)
            log(f"{kind}: saturation, {impl}: {PROCESSES} processes, {tickets} tickets")
            out[impl] = saturate(store, meta, impl, tickets)
        except Exception as exc:
            log(f"{kind}: saturation, {impl}: FAILED: {exc}")
            out[impl] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        finally:
            stores.drop(store)
        r = out[impl]
        log(
            f"{kind}: saturation, {impl}: issue p50 {r['issue']['p50_ms']} p99 "
            f"{r['issue']['p99_ms']} max {r['issue']['max_ms']} ms; calls per desk "
            f"{list(r['calls_per_desk'].values())}"
        )
    return out
