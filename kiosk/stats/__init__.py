"""Service figures for any period, computed by SQL aggregates on SQLite and PostgreSQL.

Definitions (every figure in the report and the reception's "Today" tab comes from here):

* A **visit** is one paper ticket: the ticket issued at the kiosk or reception and, after
  a transfer, the new tickets that keep its day, prefix and number. **Issued** counts
  visits (tickets with no origin); a service's or desk's **tickets** also count the
  tickets it received by transfer.
* **Served** tickets ended ``done``; **no-shows**, **cancelled** and **transferred** are the
  tickets that ended so; **day closed** ones were still waiting, called or being served
  when their business day was closed (not served, and no no-show either: nobody saw the
  visitor leave); **unfinished** ones are still waiting, called or being served.
* **Wait bands** count the waits of up to 5 minutes, over 5 up to 15, over 15 up to 30 and
  over 30; the **longest wait** is the longest of them.
* **Waiting time** is issue → call of every ticket that was called (a transferred visitor's
  new ticket waits from the transfer); **walk to desk** is call → start; **service time** is
  start → done of served tickets. Minutes; median and 90th percentile are
  ``percentile_cont``: linear interpolation between the closest ranks, at rank
  ``1 + (n - 1) * p`` of the ``n`` values in ascending order (PostgreSQL's own function;
  on SQLite the same two ranks are read from an index). Waits have a median and a 90th
  percentile at every level, service times a median; walks a median for the hall only.
* **Service level** is the share of tickets called within their service's target wait,
  out of the tickets called plus those cancelled uncalled after waiting longer than the
  target (a visitor who gave up on a long queue is a miss, one who left at once is not).
* **Avoidable repeat visits** are served tickets with the outcome ``documents_missing``.
* **Ratings** belong to the visit's last (served) ticket, hence to its service, desk and
  officer; an officer is whoever was signed in at the desk when the ticket ended.
* **Desk time**, per desk and business day, from the event log: the desk is *open* from
  its first ``desk_opened`` event or its first call of the day, whichever is earlier, until
  ``desk_closed``, else until the hall's closing time or its last finished ticket if later
  (never past now); *paused* is the time between ``desk_paused`` and the next opening or
  closing, by the pause's reason; *serving* is the sum of call → end of the tickets the
  desk called (no-shows included: the desk waited for them); *idle* is open − serving −
  paused. Open time includes paused time.
* Hours are the hall's local hours of issue; weeks are ISO weeks (Monday to Sunday).
* **Changes** against the previous period count only when larger than twice their standard
  error from day-to-day variation (``compare``). **Cycles** are the experiment's
  (``kiosk.experiment``); ``cycles`` puts a cycle or a year's cycles together, ``staff``
  each officer's figures per cycle (internal).

Everything is grouped and summed in SQL, over a temporary table of the period's ticket
rows computed once per call; Python only adds up per-group partial sums and reads the few
desk events of the period, so the work grows with the period reported, not with the
history stored.

The package: ``results`` (the frozen views returned), ``query`` (the period's ticket rows
and the SQL of each figure), ``partials`` (their per-group sums), ``dialect`` (everything
SQLite and PostgreSQL spell differently), ``desk_time``, ``period`` (``stats`` and
``today``, which put it all together), ``levels`` (groups added up into the hall's levels),
``compare`` (the rule for changes), ``waits`` (a period's waits read once), ``cycles``,
``staff`` and ``open_data`` (each visit at full detail, which ``kiosk.open_data`` coarsens
for publication).
"""

from kiosk.stats.compare import FIGURES, HIGHER_IS_BETTER, MIN_DAYS, figure_value
from kiosk.stats.cycles import (
    CycleFigures,
    Span,
    YearStats,
    baseline_span,
    cycle_span,
    hall_today,
    previous_span,
    stored_experiment,
    year_stats,
)
from kiosk.stats.open_data import OPEN_DATA_COLUMNS, OpenVisit, open_visit_rows, open_visits
from kiosk.stats.period import STEADY_WAIT_MIN_PER_WEEK, WEEKS_SHOWN, stats, today
from kiosk.stats.query import GROUP_PERCENTILES, PERCENTILES, SIMULATED_SOURCE_PREFIX
from kiosk.stats.results import (
    DOCUMENTS_MISSING,
    WAIT_BANDS_MIN,
    Breakdown,
    Change,
    DeskTime,
    Durations,
    HourLoad,
    PeriodStats,
    RatingSummary,
    Trend,
    WeekdayLoad,
    WeekRow,
    iso_week_label,
)
from kiosk.stats.staff import (
    MIN_RATINGS,
    MIN_VISITS,
    STAFF_FIGURES,
    STAFF_HIGHER_IS_BETTER,
    OfficerRow,
    Spread,
    StaffStats,
    staff_stats,
)

__all__ = [
    "DOCUMENTS_MISSING",
    "FIGURES",
    "GROUP_PERCENTILES",
    "HIGHER_IS_BETTER",
    "MIN_DAYS",
    "MIN_RATINGS",
    "MIN_VISITS",
    "OPEN_DATA_COLUMNS",
    "PERCENTILES",
    "SIMULATED_SOURCE_PREFIX",
    "STAFF_FIGURES",
    "STAFF_HIGHER_IS_BETTER",
    "STEADY_WAIT_MIN_PER_WEEK",
    "WAIT_BANDS_MIN",
    "WEEKS_SHOWN",
    "Breakdown",
    "Change",
    "CycleFigures",
    "DeskTime",
    "Durations",
    "HourLoad",
    "OfficerRow",
    "OpenVisit",
    "PeriodStats",
    "RatingSummary",
    "Span",
    "Spread",
    "StaffStats",
    "Trend",
    "WeekRow",
    "WeekdayLoad",
    "YearStats",
    "baseline_span",
    "cycle_span",
    "figure_value",
    "hall_today",
    "iso_week_label",
    "open_visit_rows",
    "open_visits",
    "previous_span",
    "staff_stats",
    "stats",
    "stored_experiment",
    "today",
    "year_stats",
]
