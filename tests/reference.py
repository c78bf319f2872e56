"""Where the published reference files live, and a skip when they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest


def _reference() -> Path:
    """``shared/reference-data`` beside the checkout, or beside a folder holding it (a
    git worktree kept in a subfolder)."""
    checkout = Path(__file__).resolve().parents[1]
    for folder in checkout.parents:
        if (found := folder / "shared" / "reference-data").is_dir():
            return found
    return checkout.parent / "shared" / "reference-data"


REFERENCE = _reference()
OFSTED = REFERENCE / "ofsted"
SSDA903 = REFERENCE / "ssda903"


def need(path: Path) -> Path:
    """Return ``path``, or skip the test saying which published file is missing."""
    if not path.exists():
        pytest.skip(f"reference data not available: {path} (it sits beside the checkout "
                    "in ../shared/reference-data)")
    return path
