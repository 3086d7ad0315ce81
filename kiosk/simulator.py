"""``kezek simulate``: fill a store with a realistic, seeded history of the hall.

The simulation itself lives in ``kiosk.simulation``; this module only adds the command, and
loads SQLAlchemy and the queue rules when a simulation runs, not when ``kezek`` builds its
command line.
"""

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

# The defaults of the officers' habits (kiosk.simulation.behaviour), repeated here so that
# the help text needs no import of the simulation.
NOVICES = 0.3
LEARNING_WEEKS = 8.0
REACTION_S = 20.0


def _number(kind: type[float] | type[int], low: float, high: float, what: str) -> Any:
    """An argparse type: a number from ``low`` to ``high`` (a usage error otherwise, exit 2)."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not {what}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is not {what}")
        return value

    return parse


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
        "--start", type=arguments.day, metavar="YYYY-MM-DD", help="first day (default: N days ago)"
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
    p.add_argument(
        "--engine",
        action="store_true",
        help="make every step a QueueService call, a transaction each, as terminals do "
        "(slow: tens of visits a second; default: each day written at once)",
    )
    p.add_argument(
        "--novices",
        type=_number(float, 0.0, 1.0, "a share from 0 to 1"),
        default=NOVICES,
        metavar="SHARE",
        help=f"share of officers new to the job at the start (default {NOVICES})",
    )
    p.add_argument(
        "--learning-weeks",
        type=_number(float, 0.1, 1000.0, "a number of weeks from 0.1 to 1000"),
        default=LEARNING_WEEKS,
        metavar="W",
        help="weeks in which a newcomer's extra time falls to about a third "
        f"(default {LEARNING_WEEKS:g})",
    )
    p.add_argument(
        "--reaction",
        type=_number(float, 1.0, 3600.0, "a number of seconds from 1 to 3600"),
        default=REACTION_S,
        metavar="SECONDS",
        help="median seconds an officer takes to call when the desk is free and someone "
        f"waits (default {REACTION_S:g})",
    )


def _simulate(args: argparse.Namespace) -> int:
    from kiosk.simulation import Habits, simulate
    from kiosk.store import Store

    today = datetime.now(UTC).date()
    start = args.start or today - timedelta(days=args.days)
    if start + timedelta(days=args.days - 1) >= today:
        raise QueueRuleError("Simulate past days only: today and later belong to the real hall.")
    store = Store(args.db)
    args.opened.append(store)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = simulate(
        store,
        start,
        args.days,
        seed=args.seed,
        visitors_per_day=args.visitors_per_day,
        habits=Habits(
            novices=args.novices, learning_weeks=args.learning_weeks, reaction_s=args.reaction
        ),
        engine=args.engine,
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
            f"{result.ratings} ratings ({result.seconds:.1f} s, "
            f"{result.visitors_per_second:.0f} visitors/s)."
        )
    return 0
