"""Staff logins, PINs and signing in and out of a desk."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk import desks, event_log, limits, pins
from kiosk.core import Core
from kiosk.errors import QueueRuleError, SignInError
from kiosk.i18n import N_
from kiosk.models import Desk, DeskState, EventKind, Staff, StaffRole
from kiosk.read_models import desk_view
from kiosk.views import DeskView, StaffView

LOGIN_RE = re.compile(rf"[a-z0-9._-]{{2,{limits.LOGIN.chars}}}")
MAX_PIN_FAILURES = 5
PIN_LOCKOUT = timedelta(minutes=5)


def add_staff(core: Core, login: str, *, name: str, role: str, pin: str) -> StaffView:
    """A new member of staff; the PIN is kept only as a salted slow hash."""
    login = login.strip().lower()
    if not LOGIN_RE.fullmatch(login):
        raise QueueRuleError(N_("A login is 2-64 letters a-z, digits, '.', '_' or '-'."))
    if role not in tuple(StaffRole):
        raise QueueRuleError(
            N_("Unknown role '{role}' (use officer, receptionist or admin)."), role=role
        )
    if not name.strip():
        raise QueueRuleError(N_("Give the person's name."))
    limits.checked(name.strip(), limits.STAFF_NAME)
    pin_hash = pins.hash_pin(pin)
    with core.store.write() as s:
        if s.scalar(select(Staff.id).where(Staff.login == login)) is not None:
            raise QueueRuleError(N_("The login '{login}' is taken."), login=login)
        staff = Staff(
            login=login,
            name=name.strip(),
            role=role,
            pin_hash=pin_hash,
            active=True,
            failed_pins=0,
            created_at=core.clock(),
        )
        s.add(staff)
        s.flush()
        event_log.record(core, s, EventKind.STAFF_ADDED, staff=staff, login=login, role=role)
        return staff_view(s, staff)


def list_staff(core: Core) -> list[StaffView]:
    """Everyone, by login."""
    with core.store.read() as s:
        return [staff_view(s, staff) for staff in s.scalars(select(Staff).order_by(Staff.login))]


def disable_staff(core: Core, login: str) -> StaffView:
    """Stop a login from signing in (history keeps the person)."""
    with core.store.write() as s:
        staff = _staff(s, login)
        staff.active = False
        for desk in s.scalars(select(Desk).where(Desk.staff_id == staff.id)):
            desk.staff_id = None
        event_log.record(core, s, EventKind.STAFF_CHANGED, staff=staff, change="disabled")
        return staff_view(s, staff)


def reset_pin(core: Core, login: str, pin: str) -> StaffView:
    """Set a new PIN and lift a lockout."""
    pin_hash = pins.hash_pin(pin)
    with core.store.write() as s:
        staff = _staff(s, login)
        staff.pin_hash = pin_hash
        staff.failed_pins = 0
        staff.locked_until = None
        event_log.record(core, s, EventKind.STAFF_CHANGED, staff=staff, change="pin_reset")
        return staff_view(s, staff)


def sign_in(core: Core, login: str, pin: str, desk_code: str | None) -> StaffView:
    """Check a login and PIN; with a desk, the person takes that desk and opens it."""
    login = login.strip().lower()
    # The slow PIN check runs before the write transaction, which would otherwise hold
    # every terminal's writes for its length on SQLite.
    with core.store.read() as s:
        stored = s.scalar(select(Staff.pin_hash).where(Staff.login == login))
    pin_ok = stored is not None and pins.verify_pin(pin, stored)
    refusal: SignInError | None = None
    with core.write() as s:
        now = core.clock()
        # Locked: concurrent wrong PINs must each count toward the lockout.
        staff = s.scalar(select(Staff).where(Staff.login == login).with_for_update())
        if staff is None or not staff.active:
            event_log.record(core, s, EventKind.SIGN_IN_FAILED, login=login, reason="unknown")
            refusal = SignInError(N_("Wrong login or PIN."))
        elif staff.locked_until is not None and staff.locked_until > now:
            until = staff.locked_until.astimezone(core.hall_info(s).zone)
            refusal = SignInError(
                N_("Too many wrong PINs: '{login}' is locked until {until}."),
                login=staff.login,
                until=f"{until:%H:%M}",
            )
        elif not pin_ok or staff.pin_hash != stored:
            staff.failed_pins += 1
            if staff.failed_pins >= MAX_PIN_FAILURES:
                staff.failed_pins = 0
                staff.locked_until = now + PIN_LOCKOUT
                event_log.record(core, s, EventKind.STAFF_LOCKED, staff=staff)
                until = staff.locked_until.astimezone(core.hall_info(s).zone)
                refusal = SignInError(
                    N_("Too many wrong PINs: '{login}' is locked until {until}."),
                    login=staff.login,
                    until=f"{until:%H:%M}",
                )
            else:
                left = MAX_PIN_FAILURES - staff.failed_pins
                event_log.record(core, s, EventKind.SIGN_IN_FAILED, staff=staff, reason="pin")
                refusal = SignInError(N_("Wrong login or PIN. {left} tries left."), left=left)
        else:
            staff.failed_pins = 0
            staff.locked_until = None
            desk = None
            if desk_code is not None:
                desk = core.desk(s, desk_code, lock=True)
                if desk.staff_id not in (None, staff.id):
                    event_log.record(core, s, EventKind.SIGNED_OUT, desk=desk, reason="taken over")
                desk.staff_id = staff.id
                if desk.state == DeskState.CLOSED:
                    desk.state = DeskState.OPEN
                    desk.pause_reason = None
                    desk.state_since = now
                    event_log.record(core, s, EventKind.DESK_OPENED, desk=desk, staff=staff)
            event_log.record(core, s, EventKind.SIGNED_IN, desk=desk, staff=staff)
            return staff_view(s, staff)
    assert refusal is not None
    raise refusal


def sign_out(core: Core, desk_code: str) -> DeskView:
    """The officer leaves the desk: it closes and is no longer called to."""
    with core.write() as s:
        desk = core.desk(s, desk_code, lock=True)
        desks.refuse_if_busy(core, s, desk)
        event_log.record(core, s, EventKind.SIGNED_OUT, desk=desk)
        desk.staff_id = None
        if desk.state != DeskState.CLOSED:
            desks.set_state(core, s, desk, DeskState.CLOSED, None, core.clock())
        return desk_view(core, s, desk, None, core.desk_services(s).get(desk.id, ()))


def _staff(s: Session, login: str) -> Staff:
    staff = s.scalar(select(Staff).where(Staff.login == login.strip().lower()))
    if staff is None:
        raise QueueRuleError(N_("There is no staff login '{login}'."), login=login)
    return staff


def staff_view(s: Session, staff: Staff) -> StaffView:
    """A member of staff as consoles show them, with the desk they sit at."""
    desk = s.scalar(select(Desk.code).where(Desk.staff_id == staff.id, Desk.active))
    return StaffView(
        id=staff.id,
        login=staff.login,
        name=staff.name,
        role=staff.role,
        active=staff.active,
        locked_until=staff.locked_until,
        desk_code=desk,
    )
