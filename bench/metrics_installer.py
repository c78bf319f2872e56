"""The one-folder bundle (``make installer``): its size on disk and its files."""

from __future__ import annotations

from .harness import ROOT, metric

BUNDLE = ROOT / "dist" / "placement-desk"


def _files() -> list[int]:
    if not BUNDLE.is_dir():
        raise FileNotFoundError("no bundle in dist/placement-desk: run `make installer` first")
    return [p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink()]


@metric("bundle_size_mb", "MB",
        note="dist/placement-desk as built by `make installer` on this Linux machine (the "
             "Windows bundle differs: no ICU data or X11 libraries, Qt's Windows plugins)")
def bundle_size() -> float:
    return sum(_files()) / 1_000_000


@metric("bundle_files", "files", note="files in dist/placement-desk")
def bundle_files() -> float:
    return float(len(_files()))
