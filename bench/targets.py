"""The issue's targets checked against one run's figures."""

from __future__ import annotations

from typing import Any

LATENCY_TARGET_MS = {"postgresql": 100.0, "sqlite": 200.0}
OVERHEAD_TARGET = 3.0
PREFILL_TARGET = 1.5
SATURATION_P99_MS = 100.0  # issue p99 with 8 processes as fast as they can
FAIR_SHARE = 0.5  # no desk calls fewer than half the mean
FLOORS = {"saturation_fewest_calls_to_mean"}  # targets where a lower value is worse


def other_cpu(phase: dict[str, Any]) -> Any:
    """The share of all CPUs that processes outside this benchmark used during a phase."""
    return phase.get("cpu_by_whom", {}).get("share_of_all_cpus", {}).get("other")


def caveats(stores_out: dict[str, Any]) -> list[str]:
    notes = []
    for kind, out in stores_out.items():
        for name, scenario in out.get("contention", {}).items():
            for impl in ("engine", "raw"):
                share = other_cpu(scenario.get(impl, {}))
                if share is not None and share > 0.15:
                    notes.append(
                        f"{kind} {name} {impl}: other processes used {share:.0%} of all CPUs "
                        "during the phase; its latencies are inflated by that"
                    )
    return notes


def evaluate_targets(stores_out: dict[str, Any]) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []
    for kind, out in stores_out.items():
        for name, scenario in out.get("contention", {}).items():
            for op in ("issue", "call_next"):
                r = scenario["ratio_engine_to_raw"][op]
                e = scenario["engine"]["ops"].get(op, {})
                for stat in ("p50", "p99"):
                    checks.append(
                        {
                            "target": f"overhead_{stat}",
                            "store": kind,
                            "scenario": name,
                            "op": op,
                            "value": r[stat],
                            "limit": OVERHEAD_TARGET,
                            "met": r[stat] is not None and r[stat] <= OVERHEAD_TARGET,
                        }
                    )
                checks.append(
                    {
                        "target": "p99_under_contention_ms",
                        "store": kind,
                        "scenario": name,
                        "op": op,
                        "value": e.get("p99_ms"),
                        "samples": e.get("count", 0),
                        "other_cpu_share": other_cpu(scenario.get("engine", {})),
                        "limit": LATENCY_TARGET_MS[kind],
                        "met": e.get("p99_ms") is not None
                        and e["p99_ms"] <= LATENCY_TARGET_MS[kind]
                        and not scenario["engine"]["errors"],
                    }
                )
        sat = out.get("saturation", {}).get("engine", {})
        if "issue" in sat:
            checks.append(
                {
                    "target": "saturation_issue_p99_ms",
                    "store": kind,
                    "op": "issue",
                    "value": sat["issue"]["p99_ms"],
                    "limit": SATURATION_P99_MS,
                    "met": sat["issue"]["p99_ms"] <= SATURATION_P99_MS,
                }
            )
            share = sat["fewest_calls_to_mean"]
            checks.append(
                {
                    "target": "saturation_fewest_calls_to_mean",
                    "store": kind,
                    "op": "call_next",
                    "value": share,
                    "limit": FAIR_SHARE,
                    "met": share is not None and share >= FAIR_SHARE,
                }
            )
        pre = out.get("prefill")
        if pre:
            for op in ("issue", "call_next", "snapshot"):
                r = pre["ratio_prefilled_to_empty"].get(op, {})
                for stat in ("p50", "p99"):
                    checks.append(
                        {
                            "target": f"prefill_{stat}",
                            "store": kind,
                            "op": op,
                            "value": r.get(stat),
                            "limit": PREFILL_TARGET,
                            "met": r.get(stat) is not None and r[stat] <= PREFILL_TARGET,
                        }
                    )
    summary: dict[str, Any] = {}
    descriptions = {
        "overhead_p50": "engine p50 / raw-SQL p50 <= 3 (issue, call_next, every scenario)",
        "overhead_p99": "engine p99 / raw-SQL p99 <= 3 (stricter reading of the same target)",
        "p99_under_contention_ms": "engine p99 <= 100 ms on PostgreSQL, 200 ms on SQLite",
        "prefill_p50": "p50 on 1M past tickets / p50 on the empty store <= 1.5 "
        "(issue, call_next, snapshot)",
        "prefill_p99": "the same for p99 (stricter reading)",
        "saturation_issue_p99_ms": "issue p99 <= 100 ms with 8 kiosk processes issuing "
        "back to back",
        "saturation_fewest_calls_to_mean": "with 8 desk processes calling back to back, "
        "the desk that called fewest called at least half the mean (a floor, not a limit)",
    }
    for target, text in descriptions.items():
        mine = [c for c in checks if c["target"] == target]
        if not mine:
            continue
        missed = [c for c in mine if not c["met"]]
        values = [c["value"] for c in mine if c["value"] is not None]
        summary[target] = {
            "description": text,
            "met": not missed,
            "checks": len(mine),
            "missed": len(missed),
            "worst_value": (min if target in FLOORS else max)(values) if values else None,
        }
    return {"summary": summary, "checks": checks, "caveats": caveats(stores_out)}
