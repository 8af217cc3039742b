"""Worker tasks of usage: the inbox watcher and the partitions made ahead (both periodic)."""

from __future__ import annotations

from issa.core import clock
from issa.identity.actor import Actor

from . import storage


def inbox_poll() -> int:
    """Import whatever waits in the inbox (BSS-2); returns the number of files imported."""
    from .services import inbox_poll as poll

    return len(poll(now=clock.now(), actor=Actor.system("usage inbox")))


def partitions_ahead(months: int = 3) -> list[str]:
    """Create the usage table's monthly partitions from this month to ``months`` ahead, so that
    an import never has to (PostgreSQL; nothing elsewhere). Returns the partitions created."""
    period = clock.period_of(clock.now())
    keys = []
    for _ in range(months + 1):
        keys.append(period.key)
        period = period.next()
    return storage.ensure_partitions(keys)
