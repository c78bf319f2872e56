"""The built one-folder bundle (``make installer``) starts, upgrades a database, draws its
window, prints a PDF and exits 0, as it will on a council laptop.

It runs when ``dist/placement-desk`` exists and is newer than the code (``make
installer-test`` builds it first; ``make test`` runs it whenever a fresh bundle is
there) and is skipped, saying why, otherwise.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "placement-desk"
EXECUTABLE = BUNDLE / ("placement-desk.exe" if sys.platform == "win32" else "placement-desk")


def _newest_source() -> float:
    folders = [ROOT / "placement_desk", ROOT / "resources", ROOT / "docs", ROOT / "installer"]
    times = [p.stat().st_mtime for folder in folders if folder.exists()
             for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return max([*times, (ROOT / "pyproject.toml").stat().st_mtime])


def _bundle_problem() -> str | None:
    if not EXECUTABLE.is_file():
        return "no bundle in dist/placement-desk: `make installer-test` builds and tests it"
    if EXECUTABLE.stat().st_mtime < _newest_source():
        return "the bundle in dist/ is older than the code: `make installer-test` rebuilds it"
    return None


pytestmark = pytest.mark.skipif(_bundle_problem() is not None,
                                reason=_bundle_problem() or "")


def _head_from_files() -> str:
    """The newest migration, read from the file names in the checkout (0009_… → 0009)."""
    names = (ROOT / "placement_desk" / "migrations" / "versions").glob("[0-9]*_*.py")
    return max(p.name.split("_", 1)[0] for p in names)


def test_the_bundle_passes_its_smoke_test_on_a_new_database(tmp_path: Path) -> None:
    home, temp = tmp_path / "home", tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLACEMENT_DESK_HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config"), "TMPDIR": str(temp), "TEMP": str(temp),
           "TMP": str(temp), "PYTHONPATH": ""}
    database = tmp_path / "new.db"
    done = subprocess.run([str(EXECUTABLE), "--db", str(database), "--smoke-test"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=180,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "window drawn" in done.stdout, "the main window was painted"
    # The database was created and brought up to the newest migration in the checkout.
    with sqlite3.connect(database) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                             "WHERE type = 'table'")}
    assert revision == _head_from_files()
    assert {"setting", "placement_episode", "app_setting"} <= tables
    pdf = temp / "placement-desk-smoke-test" / "smoke-test.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert str(pdf) in done.stdout
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Placement Desk started and printed" in text
        assert "£1,234.50" in text, "the PDF fonts draw the pound sign"


def test_the_bundle_carries_what_the_app_reads_and_not_what_it_does_not() -> None:
    internal = BUNDLE / "_internal"
    shipped = {p.name for p in (internal / "placement_desk" / "migrations" / "versions")
               .glob("*.py")}
    in_checkout = {p.name for p in (ROOT / "placement_desk" / "migrations" / "versions")
                   .glob("*.py")}
    assert shipped == in_checkout, "every migration, as a file Alembic can read"
    for part in (("resources", "icons", "bed.svg"), ("resources", "styles"),
                 ("docs", "user-guide.md"), ("reportlab", "fonts")):
        assert internal.joinpath(*part).exists(), "/".join(part)
    assert (BUNDLE / ("Placement Desk.exe" if sys.platform == "win32" else "Placement Desk")) \
        .is_file(), "the windowed executable for the Start menu"
    for unused in ("tkinter", "pytest", "_pytest", "matplotlib"):
        assert not (internal / unused).exists(), unused
