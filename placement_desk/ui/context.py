"""What every page receives: the open database, settings, the hub, the task runner and
the date the app works to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QSettings

from ..db import Database
from .hub import Hub
from .tasks import TaskRunner


@dataclass
class AppContext:
    db: Database
    settings: QSettings
    hub: Hub
    tasks: TaskRunner
    today: Callable[[], dt.date] = field(default=dt.date.today)
    """The date the pages work to: the real date, or a fixed one in tests."""
