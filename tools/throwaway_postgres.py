"""Run a command against a throwaway PostgreSQL server on a loopback port, then remove it.

``python tools/throwaway_postgres.py -- pytest ...`` finds Debian's PostgreSQL server
(installing it with apt-get when run as root and it is missing; otherwise printing the
line to run), creates a cluster in a temporary folder owned by an unprivileged user
(``pdtest``, created with useradd when run as root), starts it on a free loopback port,
runs the command with ``PLACEMENT_DESK_TEST_DB`` set to the server's URL, and stops and
removes the cluster whatever the command did. The cluster trades durability for speed
(``fsync=off``): it holds nothing but test data and is deleted afterwards.

The command's exit status is passed on. Used by ``make test-postgres`` and
``make bench``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

UNPRIVILEGED = "pdtest"
DEBIAN_PACKAGE = "postgresql"
ENV = "PLACEMENT_DESK_TEST_DB"


def _server_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: Debian keeps them per version."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    base = Path("/usr/lib/postgresql")
    versions = sorted((p for p in base.glob("*/bin") if (p / "initdb").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


def ensure_server() -> Path:
    """The server's programs; installed from Debian's packages when missing (root only)."""
    found = _server_bin()
    if found is not None:
        return found
    line = f"apt-get install -y --no-install-recommends {DEBIAN_PACKAGE}"
    if os.geteuid() != 0:
        sys.exit(f"PostgreSQL's server is not installed. Install it with:\n  sudo {line}")
    print(f"Installing PostgreSQL: {line}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(line.split(), check=True, env=env)
    found = _server_bin()
    if found is None:
        sys.exit("PostgreSQL was installed but initdb was not found.")
    return found


def _runner() -> list[str]:
    """How to run the server's programs as an unprivileged user (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(UNPRIVILEGED)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        UNPRIVILEGED], check=True)
    return ["runuser", "-u", UNPRIVILEGED, "--"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster and yield its URL (user ``postgres``, trust on loopback only)."""
    bindir = ensure_server()
    run_as = _runner()
    folder = Path(tempfile.mkdtemp(prefix="pd-postgres-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    if run_as:
        user = pwd.getpwnam(UNPRIVILEGED)
        for path in (folder, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    port = _free_port()
    started = False
    try:
        subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                   "-c shared_buffers=128MB")
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l",
                        str(folder / "server.log"), "-o", options, "-w", "-t", "60", "start"],
                       check=True, stdout=subprocess.DEVNULL)
        started = True
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                            "-w", "stop"], check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        print(__doc__)
        return 2
    with throwaway_cluster() as url:
        print(f"PostgreSQL test server at {url}", flush=True)
        child = subprocess.Popen(argv, env={**os.environ, ENV: url})
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            child.wait()
            return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
