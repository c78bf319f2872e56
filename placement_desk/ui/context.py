"""What every page receives: the open database, settings, the hub and the task runner."""

from __future__ import annotations

from dataclasses import dataclass

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
