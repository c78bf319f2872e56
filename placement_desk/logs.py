"""The log file, and the one way an error is told: one line in the log for an expected
failure, a traceback there (and an apology on screen) for a fault of Placement Desk."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .errors import UserError
from .paths import log_dir

LOG_NAME = "placement-desk.log"
_QUIET_ON_SCREEN = "placement_desk_quiet_on_screen"
QUIET = {_QUIET_ON_SCREEN: True}
"""``extra=QUIET`` keeps a log line off the terminal (the user is told in other words)."""
log = logging.getLogger("placement_desk")


def setup_file_logging() -> Path | None:
    """Log to ``placement-desk.log`` in the user's log folder (once per process); the
    file's path, or None when it cannot be written (then there is no log file)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) \
                and Path(handler.baseFilename).name == LOG_NAME:
            return Path(handler.baseFilename)
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000,
                                                       backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    return path


def log_file() -> Path | None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def refusal_line(exc: UserError) -> str:
    """An expected refusal as the log records it: its kind and where (file, sheet, row,
    column, or the form field), never the message, which may quote what was typed or
    read (a child's reference, a postcode)."""
    where = getattr(exc, "location", "") or getattr(exc, "field", "")
    return f"refused ({type(exc).__name__}{f' at {where}' if where else ''})"


def note_user_error(exc: UserError, doing: str = "") -> None:
    """One line in the log for an expected failure (the user has already seen it)."""
    log.warning("%s%s", f"{doing}: " if doing else "", refusal_line(exc),
                extra={_QUIET_ON_SCREEN: True})


class ScreenFilter(logging.Filter):
    """Keeps off the terminal the log lines of errors already printed there."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, _QUIET_ON_SCREEN, False)


def apology(where: Path | None) -> str:
    """What a user is told about a fault of Placement Desk."""
    details = f"The details are in {where}" if where else "The details are printed above"
    return ("Sorry: something went wrong inside Placement Desk. This is a fault in the "
            "program, not something you did, and anything it was saving was rolled back. "
            f"{details}; please send them to whoever supports Placement Desk.")
