"""``kezek simulate``: fill a store with a realistic simulated history of past days."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk import arguments
from kiosk.bounds import MAX_PERIOD_DAYS
from kiosk.errors import QueueRuleError

# Ten times the busiest hall's day: past that a simulation is a mistake, and a long one.
MAX_VISITORS_PER_DAY = 20_000


def add_simulate_command(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``kezek simulate`` to the core's subcommands."""
    help_text = "fill a store with a realistic simulated history (for demos and benchmarks)"
    p = sub.add_parser("simulate", parents=[common], help=help_text, description=help_text)
    p.set_defaults(handler=_simulate)
    p.add_argument(
        "--days",
        type=arguments.whole_number(1, MAX_PERIOD_DAYS),
        required=True,
        metavar="N",
        help=f"days to simulate (1 to {MAX_PERIOD_DAYS})",
    )
    p.add_argument(
        "--start",
        type=arguments.day,
        metavar="YYYY-MM-DD",
        help="first day (default: N days ago)",
    )
    p.add_argument(
        "--seed",
        type=arguments.whole_number(),
        default=1,
        help="the same seed gives the same history",
    )
    p.add_argument(
        "--visitors-per-day",
        type=arguments.whole_number(1, MAX_VISITORS_PER_DAY),
        metavar="K",
        help="visitors on an average working day (default: 60%% of the desks' capacity)",
    )


def _simulate(args: argparse.Namespace) -> int:
    from kiosk.simulator import simulate
    from kiosk.store import Store

    store = Store(args.db)
    args.opened.append(store)
    today = datetime.now(UTC).date()
    start = args.start or today - timedelta(days=args.days)
    if start + timedelta(days=args.days - 1) >= today:
        raise QueueRuleError("Simulate past days only: today and later belong to the real hall.")

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = simulate(
        store,
        start,
        args.days,
        seed=args.seed,
        visitors_per_day=args.visitors_per_day,
        progress=None if args.json else progress,
    )
    data = {**result.to_dict(), "visitors_per_second": round(result.visitors_per_second, 1)}
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(
            f"Simulated {result.start} to {result.end}: {result.visitors} visitors on "
            f"{result.open_days} open days, {result.served} served, {result.no_shows} "
            f"no-shows, {result.cancelled} cancelled, {result.transferred} transferred, "
            f"{result.ratings} ratings ({result.seconds:.0f} s, "
            f"{result.visitors_per_second:.0f} visitors/s)."
        )
    return 0
