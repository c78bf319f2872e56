"""Where the published reference files live, and a skip when they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference-data"
OFSTED = REFERENCE / "ofsted"
SSDA903 = REFERENCE / "ssda903"


def need(path: Path) -> Path:
    """Return ``path``, or skip the test saying which published file is missing."""
    if not path.exists():
        pytest.skip(f"reference data not available: {path} (it sits beside the checkout "
                    "in ../shared/reference-data)")
    return path
