"""The busy-hall contention scenarios: engine and raw floor side by side, 1/8/60 desks."""

from __future__ import annotations

import multiprocessing as mp
import time
import traceback
import uuid
from typing import Any

from bench.measure import log, percentile, ratio, stats
from bench.samplers import CpuSampler, PgWaitSampler, cpu_busy_share, cpu_times, wait_for_quiet
from bench.stores import Stores, demo_hall_raw, hall_60_raw, seed_waiting, set_up_store
from bench.workers import worker_main

KIOSKS = 8  # kiosk processes
ISSUE_RATE = 40.0  # tickets per second, all kiosks together
DESK_PROCESSES = 4  # desks run as threads spread over at most this many processes
SCENARIOS = (1, 8, 60)  # desks contending
SEED_PER_SERVICE = 4  # waiting tickets issued before a phase starts (unmeasured)


def merge(reports: list[dict[str, Any]]) -> dict[str, Any]:
    latency: dict[str, list[float]] = {}
    lag: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    samples: list[str] = []
    empty = 0
    for r in reports:
        for op, values in r["latency"].items():
            latency.setdefault(op, []).extend(values)
        for op, values in r["lag"].items():
            lag.setdefault(op, []).extend(values)
        for key, n in r["errors"].items():
            errors[key] = errors.get(key, 0) + n
        samples.extend(r["error_samples"])
        empty += r["empty_calls"]
    return {
        "latency": latency,
        "lag": lag,
        "errors": errors,
        "samples": samples[:5],
        "empty": empty,
    }


def run_phase(
    store: dict[str, Any],
    meta: dict[str, Any],
    impl: str,
    desks: list[str],
    seconds: float,
    seed: int,
    desk_procs: int = DESK_PROCESSES,
    max_wait_quiet: float = 0.0,
) -> dict[str, Any]:
    """Run the kiosks and desks against one store for ``seconds``; return their stats."""
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    go = ctx.Event()
    start_at = ctx.Value("d", 0.0)
    tag = uuid.uuid4().hex[:8]
    base = {
        "impl": impl,
        "dialect": store["kind"],
        "url": store["url"],
        "raw": store["raw"],
        "meta": meta,
        "service_codes": sorted(meta["services"]),
        "seconds": seconds,
        "tag": tag,
        "desks_total": len(desks),
    }
    specs = [
        {
            **base,
            "role": "kiosk",
            "name": f"kiosk{k}",
            "kiosk": k,
            "rate": ISSUE_RATE / KIOSKS,
            "seed": seed * 1000 + k,
        }
        for k in range(KIOSKS)
    ]
    n_procs = min(len(desks), desk_procs)
    for p in range(n_procs):
        mine = [(i, d) for i, d in enumerate(desks) if i % n_procs == p]
        specs.append({**base, "role": "desks", "name": f"desks{p}", "desks": mine})
    procs = [ctx.Process(target=worker_main, args=(s, go, start_at, results)) for s in specs]
    # Anything else busy on the machine (another test run...) shows here, before we start.
    busy_before, waited = wait_for_quiet(max_wait_quiet)
    sampler = PgWaitSampler(store["raw"]["conninfo"]) if store["kind"] == "postgresql" else None
    t_spawn = time.monotonic()
    for proc in procs:
        proc.start()
    try:
        ready = 0
        while ready < len(procs):
            kind, name, payload = results.get(timeout=180)
            if kind == "failed":
                raise RuntimeError(f"{name} failed while starting:\n{payload}")
            ready += 1
        spawn_s = time.monotonic() - t_spawn
        cpu0 = cpu_times()
        start_at.value = time.monotonic() + 0.3
        go.set()
        if sampler is not None:
            sampler.start()
        cpu_sampler = CpuSampler()
        cpu_sampler.start()
        reports: list[dict[str, Any]] = []
        failed: list[str] = []
        done = 0
        while done < len(procs):
            kind, name, payload = results.get(timeout=seconds + 300)
            done += 1
            if kind == "failed":
                failed.append(f"{name}: {payload}")
            else:
                reports.extend(payload)
        cpu1 = cpu_times()
        wall = time.monotonic() - start_at.value
        cpu_sampler.stop.set()
        cpu_sampler.join(timeout=5)
    finally:
        go.set()
        if sampler is not None and sampler.is_alive():
            sampler.stop.set()
            sampler.join(timeout=5)
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
    merged = merge(reports)
    ops = {op: stats(v) for op, v in merged["latency"].items()}
    for op, v in ops.items():
        v["rate_per_s"] = round(v["count"] / seconds, 2)
        lags = sorted(merged["lag"].get(op, []))
        if lags:
            v["schedule_lag_p99_ms"] = round(percentile(lags, 99), 3)
    return {
        "ops": ops,
        "call_next_found_nothing": merged["empty"],
        "errors": merged["errors"],
        "error_samples": merged["samples"],
        "worker_failures": failed,
        "cpu_busy_share": cpu_busy_share(cpu0, cpu1),
        "cpu_busy_share_1s_before": busy_before,
        "cpu_by_whom": cpu_sampler.report(),
        "waited_for_quiet_s": waited,
        **({"pg_activity": sampler.report()} if sampler is not None else {}),
        "desk_processes": n_procs,
        "spawn_and_warm_up_s": round(spawn_s, 2),
        "wall_s": round(wall, 2),
        "processes": len(procs),
    }


# -- contention scenarios ------------------------------------------------------------------


def contention(
    stores: Stores,
    kind: str,
    scenarios: list[int],
    seconds: float,
    desk_procs: int,
    max_wait_quiet: float,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n_desks in scenarios:
        hall_raw = demo_hall_raw() if n_desks <= 10 else hall_60_raw()
        desks = [f"D{i + 1}" for i in range(n_desks)]
        scenario: dict[str, Any] = {
            "desks": n_desks,
            "hall": "demo (19 services, 10 desks)"
            if n_desks <= 10
            else "demo services with 60 generated desks of 4 services each",
        }
        for impl in ("engine", "raw"):
            store = stores.fresh(kind, f"c{n_desks}_{impl}")
            try:
                meta = set_up_store(store, hall_raw)
                seed_waiting(store["url"], sorted(meta["services"]), SEED_PER_SERVICE)
                log(f"{kind}: {n_desks} desk(s), {impl}: running {seconds:g} s")
                scenario[impl] = run_phase(
                    store,
                    meta,
                    impl,
                    desks,
                    seconds,
                    seed=n_desks,
                    desk_procs=desk_procs,
                    max_wait_quiet=max_wait_quiet,
                )
            except Exception as exc:
                log(f"{kind}: {n_desks} desk(s), {impl}: FAILED: {exc}")
                scenario[impl] = {
                    "ops": {},
                    "errors": {},
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(),
                }
                continue
            finally:
                stores.drop(store)
            summary = ", ".join(
                f"{op} p50 {v.get('p50_ms')} p99 {v.get('p99_ms')} ms (n={v['count']})"
                for op, v in sorted(scenario[impl]["ops"].items())
            )
            log(f"{kind}: {n_desks} desk(s), {impl}: {summary}")
            if scenario[impl]["errors"]:
                log(f"{kind}: errors {scenario[impl]['errors']}")
        ratios: dict[str, Any] = {}
        for op in ("issue", "call_next", "complete"):
            e = scenario.get("engine", {}).get("ops", {}).get(op, {})
            r = scenario.get("raw", {}).get("ops", {}).get(op, {})
            ratios[op] = {
                "p50": ratio(e.get("p50_ms"), r.get("p50_ms")),
                "p99": ratio(e.get("p99_ms"), r.get("p99_ms")),
            }
        scenario["ratio_engine_to_raw"] = ratios
        out[f"desks_{n_desks}"] = scenario
    return out
