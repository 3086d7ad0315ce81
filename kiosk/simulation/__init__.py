"""A realistic, seeded history of the hall, for demos, reports and benchmarks: ``kezek simulate``.

``model`` simulates the hall's days (visitors and officers as timed steps, all chance drawn
from one seeded generator); ``behaviour`` holds the people's shares and habits, officers'
speeds and learning curves among them; ``plan`` reads the hall. The steps go to a writer:
``BulkWriter`` (``bulk``, ``day_rows``) applies the queue rules in memory and writes each day
in one transaction, thousands of visits a second; ``LiveWriter`` (``writers``) makes each
step the ``QueueService`` call a terminal would make. Both write the same rows and events
for the same seed. ``run`` puts a run together; ``kiosk.simulator`` is the command.

Simulated tickets carry the source ``sim-kiosk`` or ``sim-reception``; the reports flag a
period that contains any, so simulated figures are never published as real ones.
"""

from kiosk.simulation.behaviour import SOURCE_KIOSK, SOURCE_RECEPTION, Habits, Officer
from kiosk.simulation.run import SimulationResult, simulate

__all__ = [
    "SOURCE_KIOSK",
    "SOURCE_RECEPTION",
    "Habits",
    "Officer",
    "SimulationResult",
    "simulate",
]
