"""Icons from the bundled icon fonts (qtawesome), with a blank fallback."""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon

log = logging.getLogger(__name__)


def icon(name: str) -> QIcon:
    try:
        import qtawesome

        found: QIcon = qtawesome.icon(name)
        return found
    except Exception:
        log.debug("icon %s unavailable", name, exc_info=True)
        return QIcon()
