"""Where the application's ``resources/`` folder is: in a bundle, a wheel or a checkout.

Icons, the fonts embedded in PDFs, style sheets and document templates live in
the top-level ``resources/`` folder of the repository (see its README). The
wheel carries it as ``placement_desk/resources`` (``setup.py`` maps it), a
PyInstaller bundle as ``resources`` beside the frozen modules (``sys._MEIPASS``),
and a source checkout or editable install reads it where it is. Qt-free, so that
reports and services can use it too.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _candidates() -> list[Path]:
    found = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "resources")
    found += [PACKAGE / "resources", PACKAGE.parent / "resources"]
    return found


@cache
def resources_dir() -> Path:
    """The ``resources`` folder; FileNotFoundError naming where it was looked for."""
    for folder in _candidates():
        if (folder / "icons").is_dir():
            return folder
    looked = ", ".join(str(p) for p in _candidates())
    raise FileNotFoundError(f"The application's resources folder is missing (looked in "
                            f"{looked}). Reinstall Placement Desk.")


def resource_path(*parts: str) -> Path:
    """A file in ``resources/``: ``resource_path("icons", "bed.svg")``."""
    return resources_dir().joinpath(*parts)


def docs_dir() -> Path | None:
    """The ``docs`` folder (the user guide and its pictures): beside the frozen modules in
    a bundle, ``placement_desk/docs`` in a wheel, the top-level ``docs`` in a checkout;
    None if it is not installed."""
    bundle = getattr(sys, "_MEIPASS", None)
    places = [Path(bundle) / "docs"] if bundle else []
    places += [PACKAGE / "docs", PACKAGE.parent / "docs"]
    return next((p for p in places if (p / "user-guide.md").is_file()), None)
