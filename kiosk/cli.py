"""The core's headless commands (``kezek init``, ``issue``, ``call``...), also ``python -m kiosk``.

Exit codes: 0 done; 2 bad usage (an argument out of range, an output file that cannot be
written), a bad hall file, terminal settings or database URL; 3 refused by the queue rules;
4 store unavailable; 5 printer failure; 6 refused by the database (the terminal's role may
not do that). Errors go to stderr as one clear message, never a traceback, never a password.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from kiosk import __version__, arguments
from kiosk.errors import HallFileError, KezekError, QueueRuleError
from kiosk.views import DeskView, IssuedTicket, Snapshot, TicketView

Handler = Callable[[argparse.Namespace], int]
EXIT_USAGE = 2


class UsageError(KezekError):
    """The command was given wrong or missing arguments."""

    exit_code = EXIT_USAGE


def build_parser(prog: str = "kezek") -> tuple[argparse.ArgumentParser, Any]:
    """The parser with the core's commands; the top floor adds printing and window commands."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Kezek: reception and queue system for single-window public-service halls.",
    )
    parser.add_argument("--version", action="version", version=f"kezek {__version__}")
    parser.add_argument(
        "--db", metavar="URL", help="database URL (default: $KEZEK_DB or a local SQLite file)"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="this terminal's settings (default: kezek.toml in the user config folder)",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(common=common)

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = command("init", _init, "create or upgrade the store and load the hall file")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--hall", metavar="FILE", help="hall file (TOML)")
    source.add_argument("--demo", action="store_true", help="load the bundled demo hall")

    p = command("issue", _issue, "issue a ticket for a service")
    p.add_argument(
        "service", type=arguments.text, metavar="SERVICE", help="service code, e.g. ENT-REG"
    )
    p.add_argument(
        "--priority",
        type=arguments.whole_number(),
        default=0,
        help="0 normal; higher is served first",
    )
    p.add_argument(
        "--reason", type=arguments.text, help="priority reason code (disability, elderly...)"
    )
    p.add_argument("--lang", default="ru", choices=("kk", "ru", "en"))
    p.add_argument("--source", type=arguments.text, default="cli", help=argparse.SUPPRESS)
    p.add_argument(
        "--request-id",
        type=arguments.text,
        help="repeat-safe id: the same id never makes two tickets",
    )

    p = command("call", _call, "call the next ticket to a desk (or one ticket out of order)")
    p.add_argument("desk", type=arguments.text, metavar="DESK")
    p.add_argument(
        "--ticket",
        type=arguments.ticket,
        metavar="TICKET",
        help="call this waiting ticket out of order",
    )
    p.add_argument(
        "--reason", type=arguments.text, default="", help="why it is called out of order"
    )

    for name, help_text in (
        ("recall", "call the desk's current ticket again"),
        ("start", "the visitor has arrived: start serving"),
        ("no-show", "the called visitor did not come"),
        ("return", "put the desk's current ticket back in its queue"),
        ("resume", "open a paused or closed desk"),
        ("close-desk", "close a desk for the day"),
    ):
        command(name, _desk_step, help_text).add_argument(
            "desk", type=arguments.text, metavar="DESK"
        )

    p = command("complete", _desk_step, "finish serving the desk's current ticket")
    p.add_argument("desk", type=arguments.text, metavar="DESK")
    p.add_argument(
        "--outcome",
        type=arguments.text,
        help="resolved, consultation, documents_missing, redirected...",
    )

    p = command("transfer", _transfer, "send the desk's current visitor to another service")
    p.add_argument("desk", type=arguments.text, metavar="DESK")
    p.add_argument("service", type=arguments.text, metavar="SERVICE")
    p.add_argument("--note", type=arguments.text, help="a note for the next desk")

    p = command("pause", _desk_step, "pause a desk (lunch, paperwork...)")
    p.add_argument("desk", type=arguments.text, metavar="DESK")
    p.add_argument("--reason", type=arguments.text, required=True)

    p = command("cancel", _cancel, "cancel a waiting ticket")
    p.add_argument(
        "ticket",
        type=arguments.ticket,
        metavar="TICKET",
        help="ticket id or today's number (A-012)",
    )

    command("status", _status, "queues and desks right now")

    p = command("tickets", _tickets, "the tickets of a day")
    p.add_argument("--day", type=arguments.day, help="YYYY-MM-DD (default: today)")

    p = command("events", _events, "the event log")
    p.add_argument(
        "--after", type=arguments.whole_number(), default=0, metavar="N", help="events after id N"
    )
    p.add_argument("--limit", type=arguments.whole_number(0), default=1000, metavar="N")

    p = command("verify", _verify, "check a scanned ticket code")
    p.add_argument("token", type=arguments.text, metavar="TOKEN")

    p = command(
        "close-day",
        _close_day,
        "close as not served the tickets earlier business days left open",
    )
    p.add_argument(
        "--day",
        type=arguments.day,
        metavar="YYYY-MM-DD",
        help="close this day only (default: every day before today with open tickets)",
    )

    for name, help_text in (
        ("close-service", "take no more tickets for a service today"),
        ("open-service", "take tickets for a service again today"),
    ):
        command(name, _service_day, help_text).add_argument(
            "service", type=arguments.text, metavar="SERVICE"
        )

    from kiosk.simulator import add_simulate_command

    add_simulate_command(sub, common)

    from kiosk.backup import add_backup_commands
    from kiosk.grants import add_grants_command

    add_grants_command(sub, common)
    add_backup_commands(sub, common)

    staff = sub.add_parser("staff", help="people who sign in at desks and reception")
    staff_sub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    p = staff_sub.add_parser(
        "add", parents=[common], help="add a person (PIN asked, or read from stdin)"
    )
    p.add_argument("login", type=arguments.text)
    p.add_argument("--name", type=arguments.text, required=True)
    p.add_argument("--role", required=True, choices=("officer", "receptionist", "admin"))
    p.set_defaults(handler=_staff)
    p = staff_sub.add_parser("list", parents=[common], help="everyone who can sign in")
    p.set_defaults(handler=_staff)
    for name, help_text in (
        ("disable", "stop a login from signing in"),
        ("reset-pin", "set a new PIN (asked, or read from stdin) and lift a lockout"),
    ):
        p = staff_sub.add_parser(name, parents=[common], help=help_text)
        p.add_argument("login", type=arguments.text)
        p.set_defaults(handler=_staff)
    return parser, sub


def run(
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None = None,
    *,
    configured: Handler | None = None,
) -> int:
    """Parse and run one command; turn every expected error into a message and exit code.

    With no command, ``configured`` starts what the terminal's settings file says, if any.
    """
    args = parser.parse_args(argv)
    # Python 3.11's argparse gives "--name=--" the value [] without asking the argument's
    # type; no option of ours takes a list.
    for name, value in vars(args).items():
        if isinstance(value, list):
            parser.error(f"argument --{name.replace('_', '-')}: expected one argument")
    handler: Handler | None = getattr(args, "handler", None)
    args.opened = []
    args.command = getattr(args, "command", None) or "kezek"
    try:
        if handler is None:
            if configured is not None and (args.config or _default_config_exists()):
                return configured(args)
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        if args.config and args.db is None:
            from kiosk.terminal_config import load_terminal_config

            args.db = load_terminal_config(args.config).database
        return handler(args)
    except HallFileError as exc:
        print("The hall file has problems, nothing was changed:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return exc.exit_code
    except KezekError as exc:
        print(f"kezek {args.command}: {_without_password(args, str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the promise is no traceback; KEZEK_DEBUG shows it
        if os.environ.get("KEZEK_DEBUG"):
            raise
        message = _without_password(args, f"{type(exc).__name__}: {exc}")
        print(f"kezek {args.command}: unexpected error: {message}", file=sys.stderr)
        return 1
    finally:
        for store in args.opened:
            store.dispose()


def _without_password(args: argparse.Namespace, message: str) -> str:
    """A message to print, scrubbed of the database URL's password wherever it came from
    (a driver's error, say): the last guard, behind every message that shows the URL safely."""
    from kiosk.db_url import scrub, secrets_in

    return scrub(message, secrets_in(args.db or os.environ.get("KEZEK_DB")))


def _default_config_exists() -> bool:
    from kiosk.terminal_config import default_config_path

    return default_config_path().is_file()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kiosk``: the headless commands alone."""
    tolerant_output()
    parser, _ = build_parser()
    return run(parser, argv)


def tolerant_output() -> None:
    """Print text that is not valid UTF-8 (a file name made of other bytes) escaped rather
    than fail on it after the work is done."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


# -- handlers ----------------------------------------------------------------------------


def _service(args: argparse.Namespace) -> Any:
    from kiosk.queue import QueueService

    service = QueueService.from_url(args.db)
    args.opened.append(service.store)
    return service


def _out(args: argparse.Namespace, data: Any, text: str) -> int:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)
    return 0


def _init(args: argparse.Namespace) -> int:
    from kiosk import schema
    from kiosk.hall import demo_hall_path, load_hall
    from kiosk.queue import QueueService
    from kiosk.store import Store

    hall_file = demo_hall_path() if args.demo else args.hall
    # Validate before touching the store: a broken hall file changes nothing.
    config = load_hall(hall_file) if hall_file else None
    store = Store(args.db)
    args.opened.append(store)
    before = schema.current_revision(store)
    schema.upgrade(store)
    service = QueueService(store)
    if config is None:
        service.hall_info()  # a store with no hall yet needs a hall file
        changes = None
    else:
        changes = service.load_hall(config)
    after = schema.current_revision(store)
    data = {
        "database": store.safe_url,
        "schema": {"before": before, "after": after},
        "hall": str(hall_file) if hall_file else None,
        "changes": None
        if changes is None
        else {
            "added": changes.added,
            "updated": changes.updated,
            "deactivated": changes.deactivated,
        },
    }
    lines = [f"Store: {store.safe_url} (schema {before or 'new'} -> {after})"]
    if changes is not None:
        for label, part in (
            ("added", changes.added),
            ("updated", changes.updated),
            ("deactivated", changes.deactivated),
        ):
            for kind, codes in part.items():
                if codes:
                    lines.append(f"  {label} {kind}: {', '.join(codes)}")
        if not changes.any:
            lines.append("  the hall is already up to date")
    return _out(args, data, "\n".join(lines))


def _ticket_line(t: TicketView) -> str:
    where = f" at {t.desk_code}" if t.desk_code else ""
    prio = f" priority {t.priority}" if t.priority else ""
    return f"{t.display:>7}  #{t.id:<6} {t.service_code:<10} {t.status:<11}{where}{prio}"


def _issue(args: argparse.Namespace) -> int:
    issued: IssuedTicket = _service(args).issue(
        args.service,
        priority=args.priority,
        priority_reason=args.reason,
        lang=args.lang,
        source=args.source,
        request_id=args.request_id,
    )
    t = issued.ticket
    text = (
        f"{t.display}  {t.service_code}  people ahead: {issued.people_ahead}  "
        f"estimated wait: {issued.wait_min} min{'  (already issued)' if issued.repeated else ''}\n"
        f"code: {t.token}"
    )
    return _out(args, issued.to_dict(), text)


def _ticket_ref(service: Any, ref: int | str) -> int:
    """A ticket's id: as given (the argument type read the digits), or found by number."""
    if isinstance(ref, int):
        return ref
    found: TicketView = service.find(ref)
    return found.id


def _call(args: argparse.Namespace) -> int:
    service = _service(args)
    if args.ticket:
        ticket = service.call(args.desk, _ticket_ref(service, args.ticket), reason=args.reason)
    else:
        ticket = service.call_next(args.desk)
        if ticket is None:
            raise QueueRuleError(f"Nothing is waiting for desk {args.desk}.")
    return _out(args, ticket.to_dict(), f"{ticket.display} -> {ticket.desk_code}")


def _desk_step(args: argparse.Namespace) -> int:
    service = _service(args)
    name = args.command
    result: TicketView | DeskView
    if name == "complete":
        result = service.complete(args.desk, outcome=args.outcome)
    elif name == "pause":
        result = service.pause(args.desk, reason=args.reason)
    else:
        method = {
            "recall": service.recall,
            "start": service.start,
            "no-show": service.no_show,
            "return": service.return_to_queue,
            "resume": service.resume,
            "close-desk": service.close_desk,
        }[name]
        result = method(args.desk)
    if isinstance(result, DeskView):
        text = f"{result.code}: {result.state}" + (
            f" ({result.pause_reason})" if result.pause_reason else ""
        )
    else:
        text = _ticket_line(result)
    return _out(args, result.to_dict(), text)


def _transfer(args: argparse.Namespace) -> int:
    ticket = _service(args).transfer(args.desk, args.service, note=args.note)
    return _out(args, ticket.to_dict(), f"{ticket.display} now waits for {ticket.service_code}")


def _cancel(args: argparse.Namespace) -> int:
    service = _service(args)
    ticket = service.cancel(_ticket_ref(service, args.ticket))
    return _out(args, ticket.to_dict(), _ticket_line(ticket))


def _status(args: argparse.Namespace) -> int:
    snap: Snapshot = _service(args).snapshot()
    lines = [
        f"{snap.day}  {snap.at:%H:%M} UTC",
        "",
        "SERVICE      WAITING  LONGEST  TARGET  ESTIMATE  DESKS",
    ]
    for s in snap.services:
        lines.append(
            f"{s.code:<12} {s.waiting:>7}  {s.longest_wait_min:>5} m  {s.target_wait_min:>4} m"
            f"  {s.estimated_wait_min:>6} m  {s.open_desks:>5}"
        )
    lines += ["", "DESK   STATE    CURRENT"]
    for d in snap.desks:
        current = f"{d.current.display} ({d.current.status})" if d.current else "-"
        state = d.state + (f": {d.pause_reason}" if d.pause_reason else "")
        lines.append(f"{d.code:<6} {state:<8} {current}")
    return _out(args, snap.to_dict(), "\n".join(lines))


def _tickets(args: argparse.Namespace) -> int:
    tickets = _service(args).tickets(args.day)
    text = "\n".join(_ticket_line(t) for t in tickets) or "No tickets."
    return _out(args, [t.to_dict() for t in tickets], text)


def _events(args: argparse.Namespace) -> int:
    events = _service(args).events(after_id=args.after, limit=args.limit)
    text = "\n".join(
        f"{e.id:>6}  {e.at:%Y-%m-%d %H:%M:%S}  {e.kind:<12} "
        f"{e.data.get('display', '')} {e.desk_code or ''}".rstrip()
        for e in events
    )
    return _out(args, [e.to_dict() for e in events], text or "No events.")


def _service_day(args: argparse.Namespace) -> int:
    service = _service(args)
    if args.command == "close-service":
        load = service.close_service(args.service)
    else:
        load = service.open_service(args.service)
    state = "closed for today" if load.closed_today else "open"
    return _out(args, load.to_dict(), f"{load.code}: {state}, {load.waiting} waiting")


def _close_day(args: argparse.Namespace) -> int:
    service = _service(args)
    day: date | None = args.day
    today = service.today()
    if day is not None and day >= today:
        raise UsageError(
            f"--day {day.isoformat()} is not before today ({today.isoformat()}): "
            "only a day that is over can be closed."
        )
    result = service.close_days(day)
    if result.closed:
        per_day = ", ".join(f"{d}: {n}" for d, n in result.days.items())
        text = f"Closed {result.closed} open tickets as not served ({per_day})."
    elif day is not None:
        text = f"Nothing to close: {day.isoformat()} has no open tickets."
    else:
        text = f"Nothing to close: no day before {today.isoformat()} has open tickets."
    return _out(args, result.to_dict(), text)


def _read_pin() -> str:
    """The PIN from the terminal without echo (twice), or one line of stdin for scripts."""
    if sys.stdin is None:
        raise UsageError("No PIN given: standard input is closed.")
    if not sys.stdin.isatty():
        try:
            return sys.stdin.readline().strip()
        except UnicodeDecodeError:
            raise UsageError("The PIN read from standard input is not UTF-8 text.") from None
    import getpass

    first = getpass.getpass("PIN (4-8 digits): ")
    if getpass.getpass("PIN again: ") != first:
        raise UsageError("The two PINs differ; nothing was changed.")
    return first


def _staff(args: argparse.Namespace) -> int:
    service = _service(args)
    action = args.staff_command
    if action == "list":
        people = service.list_staff()
        lines = [
            f"{p.login:<16} {p.role:<13} {'active' if p.active else 'disabled':<9} "
            f"{p.desk_code or '-':<6} {p.name}"
            for p in people
        ]
        return _out(args, [p.to_dict() for p in people], "\n".join(lines) or "No staff yet.")
    if action == "add":
        person = service.add_staff(args.login, name=args.name, role=args.role, pin=_read_pin())
    elif action == "disable":
        person = service.disable_staff(args.login)
    else:
        person = service.reset_pin(args.login, _read_pin())
    return _out(args, person.to_dict(), f"{person.login}: {person.role}, {person.name}")


def _verify(args: argparse.Namespace) -> int:
    ticket = _service(args).verify_token(args.token)
    return _out(args, ticket.to_dict(), "valid: " + _ticket_line(ticket))
