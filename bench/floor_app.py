"""The start-up floor: a bare PySide6 + SQLAlchemy window opening the same database.

``python -m bench.floor_app DB`` does what the least Qt and SQLAlchemy application
must do to show something from the database (start Qt, open the file through a
SQLAlchemy engine, read one count, draw a window offscreen) and exits once the
window has been painted, as ``placement-desk --smoke-test=window`` does. Start-up is
measured against it (bench/metrics_startup.py).
"""

from __future__ import annotations

import os
import sys


def main(path: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
    from sqlalchemy import create_engine, text

    app = QApplication(sys.argv[:1])
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        settings = conn.execute(text("SELECT count(*) FROM setting")).scalar()
    window = QMainWindow()
    window.setWindowTitle("Floor")
    window.setCentralWidget(QLabel(f"{settings} settings"))
    window.resize(1200, 780)

    class PaintWatcher(QObject):
        painted = False

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watcher = PaintWatcher()
    window.installEventFilter(watcher)
    window.show()
    clock = QElapsedTimer()
    clock.start()
    while not watcher.painted and clock.elapsed() < 20_000:
        app.processEvents()
        if not watcher.painted:
            window.repaint()
    app.processEvents()
    window.close()
    engine.dispose()
    return 0 if watcher.painted else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
