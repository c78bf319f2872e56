"""Helpers for the fault tests: a digest of every table, the command run as a user runs
it, a small or read-only disk, and the marks of a traceback or a leak."""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TRACEBACK = "Traceback (most recent call last)"
PANIC = "panicked at"


def digest(path: Path) -> str:
    """Every table's rows, sorted, hashed; for a file SQLite cannot read, its bytes.

    Opened immutable and read-only, so that taking the digest changes nothing.
    """
    if not path.exists():
        return "absent"
    if path.is_dir():
        return "folder"
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            h = hashlib.sha256()
            for table in tables:
                h.update(table.encode())
                for row in sorted(map(repr, con.execute(f'SELECT * FROM "{table}"'))):
                    h.update(row.encode())
            return h.hexdigest()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return "bytes:" + hashlib.sha256(path.read_bytes()).hexdigest()


def counts(path: Path) -> dict[str, int]:
    """Rows per table (the import's own tables grow; the rest stay)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def tree(folder: Path) -> set[str]:
    """Every file and folder under ``folder`` (to show nothing was made or left)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def run_cli(*args: object, home: Path, file_limit: int | None = None, timeout: float = 180,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m placement_desk ARGS`` with its own home (log folder); ``file_limit``
    caps the size of any file it writes (RLIMIT_FSIZE), as a full disk would."""

    def limit() -> None:  # pragma: no cover - runs in the child
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
                "PLACEMENT_DESK_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
                **(env or {})}
    return subprocess.run([sys.executable, "-m", "placement_desk", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=full_env,
                          preexec_fn=limit if file_limit is not None else None, check=False)


def log_text(home: Path) -> str:
    log = home / "logs" / "placement-desk.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


def assert_told(done: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    """Exit status, the words of the message, and no traceback or panic anywhere."""
    shown = done.stdout + done.stderr
    assert TRACEBACK not in shown and PANIC not in shown, shown
    assert done.returncode == status, shown
    for word in words:
        assert word in shown, f"{word!r} not in: {shown}"


def _can_mount() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0 and shutil.which("mount")


@contextlib.contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A folder on a filesystem of ``size_kb`` KB (a tmpfs; needs root), removed after."""
    if not _can_mount():
        pytest.skip("a small filesystem can only be mounted by root on Linux; the "
                    "RLIMIT_FSIZE tests cover a full disk without it")
    folder = where / f"disk-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                           str(folder)], capture_output=True, check=False)
    if done.returncode:
        pytest.skip(f"mounting a tmpfs failed here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def make_read_only(folder: Path) -> None:
    """Make a small-disk folder read-only (remount), or a folder read-only by permission."""
    if _can_mount() and os.path.ismount(folder):
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        return
    if os.geteuid() == 0:
        pytest.skip("folder permissions do not stop the root user, and no filesystem could "
                    "be remounted read-only")
    for p in folder.rglob("*"):
        p.chmod(0o444)
    folder.chmod(0o555)


def fill(folder: Path, leave_kb: int) -> None:
    """Fill the disk holding ``folder`` until about ``leave_kb`` KB are free."""
    free = shutil.disk_usage(folder).free - leave_kb * 1024
    if free > 0:
        with open(folder / f"filler-{uuid.uuid4().hex[:8]}.bin", "wb") as fh:
            fh.write(b"\0" * free)
