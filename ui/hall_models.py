"""Table models of the reception console: services and desks, updated row by row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kiosk.i18n import N_, pick
from kiosk.models import DeskState
from kiosk.views import DeskView, ServiceLoad
from kiosk.words import PAUSE_REASONS
from ui.moments import clock_time, minutes_between

Row = TypeVar("Row", ServiceLoad, DeskView)
Index = QModelIndex | QPersistentModelIndex
LATE = QColor("#b00020")
CLOSED = QColor("#5c6670")


class _RowsModel(QAbstractTableModel, Generic[Row]):
    """Rows keyed by code; ``update`` changes only the rows whose values changed."""

    headers: tuple[str, ...] = ()

    def __init__(
        self, tr: Callable[[str], str], lang: str, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__()
        self.tr_ = tr
        self.lang = lang
        self.clock = clock or (lambda: datetime.now(UTC))
        # The hall's zone, for clock times; the console sets it from each snapshot.
        self.zone = ZoneInfo("UTC")
        self.rows: list[Row] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.headers)
        ):
            return self.tr_(self.headers[section])
        return None

    def row(self, code: str) -> Row | None:
        return next((r for r in self.rows if r.code == code), None)

    def reset(self, rows: Sequence[Row]) -> None:
        """Replace every row (first load, or the hall file changed)."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def update(self, rows: Sequence[Row]) -> bool:
        """Apply some fresh rows; only changed rows emit dataChanged.

        False when a row is new to the model: the caller then reloads every row.
        """
        if any(self.row(r.code) is None for r in rows):
            return False
        for fresh in rows:
            for position, old in enumerate(self.rows):
                if old.code == fresh.code and old != fresh:
                    self.rows[position] = fresh
                    self.dataChanged.emit(
                        self.index(position, 0), self.index(position, len(self.headers) - 1)
                    )
        return True

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.cell(self.rows[index.row()], index.column(), role)

    def cell(self, row: Row, column: int, role: int) -> Any:
        raise NotImplementedError


class ServiceTableModel(_RowsModel[ServiceLoad]):
    """Per service: waiting, longest wait against its target, estimate, open desks."""

    headers = (
        N_("Service"),
        N_("Waiting"),
        N_("Longest wait"),
        N_("Target"),
        N_("Estimated wait"),
        N_("Open desks"),
        N_("Today"),
    )

    def cell(self, row: ServiceLoad, column: int, role: int) -> Any:
        _ = self.tr_
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{row.prefix}  {pick(row.name, self.lang)}",
                row.waiting,
                _("{n} min").format(n=row.longest_wait_min),
                _("{n} min").format(n=row.target_wait_min),
                self._estimate(row),
                row.open_desks,
                _("closed") if row.closed_today else _("open"),
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 2 and row.waiting and row.longest_wait_min > row.target_wait_min:
                return QBrush(LATE)
            if column == 6 and row.closed_today:
                return QBrush(CLOSED)
            if column == 4 and (row.closed_today or not row.open_desks):
                return QBrush(CLOSED)
        if role == Qt.ItemDataRole.UserRole:
            return row.code
        return None

    def _estimate(self, row: ServiceLoad) -> str:
        """Minutes only while a desk serves it: with none open, any figure would be made up."""
        _ = self.tr_
        if row.closed_today:
            return "—"
        if row.open_desks:
            return _("{n} min").format(n=row.estimated_wait_min)
        if row.opens_at is None:
            return _("no open desk")
        when = clock_time(row.opens_at, self.clock(), self.zone, self.lang)
        # Two lines keep the column narrow enough for the others to stay on screen.
        return _("no open desk") + "\n" + _("opens {time}").format(time=when)


DESK_STATES = {
    DeskState.OPEN: N_("open"),
    DeskState.PAUSED: N_("paused"),
    DeskState.CLOSED: N_("closed"),
}


class DeskTableModel(_RowsModel[DeskView]):
    """Per desk: state, current ticket, officer, and since when.

    Since: minutes with the current visitor, or in an open or paused state begun today;
    a clock time (dated when not today) for a closed desk or a state begun another day.
    """

    headers = (N_("Desk"), N_("State"), N_("Ticket"), N_("Officer"), N_("Since"))

    def cell(self, row: DeskView, column: int, role: int) -> Any:
        _ = self.tr_
        if role == Qt.ItemDataRole.DisplayRole:
            since = row.current.called_at if row.current else row.state_since
            state = _(DESK_STATES[row.state])
            if row.state == DeskState.PAUSED and row.pause_reason:
                reason = dict(PAUSE_REASONS).get(row.pause_reason)
                state += f" ({_(reason) if reason else row.pause_reason})"
            return (
                f"{pick(row.label, self.lang)} ({row.code})",
                state,
                row.current.display if row.current else "—",
                row.staff_name or "—",
                self._since(row, since),
            )[column]
        if role == Qt.ItemDataRole.UserRole:
            return row.code
        return None

    def _since(self, row: DeskView, moment: datetime | None) -> str:
        if moment is None:
            return "—"
        now = self.clock()
        today = now.astimezone(self.zone).date()
        if row.current is None and (
            row.state == DeskState.CLOSED or moment.astimezone(self.zone).date() != today
        ):
            return clock_time(moment, now, self.zone, self.lang)
        return self.tr_("{n} min").format(n=minutes_between(moment, now))
