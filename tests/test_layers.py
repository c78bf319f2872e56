"""The package's imports hold the layers: ui → reports → services → io → models/db.

Read from the source with ``ast``, so a forbidden import fails here even when no
other test happens to execute that code.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "placement_desk"
QT = ("PySide6", "shiboken6", "pyqtgraph", "qtawesome", "superqt")
UI_FEATURES = sorted(p.name for p in (PACKAGE / "ui").iterdir()
                     if p.is_dir() and p.name not in ("common", "__pycache__"))


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return found


def _files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (PACKAGE / folder).rglob("*.py"))


def _below_ui() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if "ui" not in p.relative_to(PACKAGE).parts[:1] and p.name != "app.py")


def _offending(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in paths:
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return sorted(set(bad))


def test_nothing_below_ui_imports_qt_or_ui() -> None:
    assert _offending(_below_ui(), (*QT, "placement_desk.ui")) == []


def test_services_never_import_ui_commands_or_reports() -> None:
    assert _offending(_files("services"), ("placement_desk.ui", "placement_desk.commands",
                                           "placement_desk.reports", "placement_desk.app")) == []


def test_io_imports_no_services_and_no_database() -> None:
    assert _offending(_files("io"), ("placement_desk.services", "placement_desk.db",
                                     "placement_desk.lifecycle", "sqlalchemy")) == []


def test_ui_common_imports_no_feature_folder() -> None:
    features = tuple(f"placement_desk.ui.{name}" for name in UI_FEATURES)
    assert _offending(_files("ui/common"), features) == []


@pytest.mark.parametrize("pattern", [r"\bsessions\(\)", r"\bSession\b", r"\bsessionmaker\b",
                                     r"\.begin\(\)", r"\bannounce\(", r"blockSignals\("])
def test_ui_and_commands_never_open_a_session_or_announce_by_hand(pattern: str) -> None:
    hits = [f"{p.relative_to(PACKAGE)}:{n}" for p in _files("ui", "commands")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(pattern, line)]
    assert hits == []


def test_ui_and_commands_call_only_use_cases_that_take_the_database() -> None:
    """No function the GUI or the command line imports from services wants a session."""
    import importlib

    bad = []
    for path in _files("ui", "commands"):
        for name in _imports(path):
            module, _, attr = name.rpartition(".")
            if ".services." not in f".{module}." or not attr:
                continue
            try:
                target = getattr(importlib.import_module(module), attr, None)
            except ImportError:
                continue
            if inspect.isfunction(target):
                params = list(inspect.signature(target).parameters.values())
                if params and "Session" in str(params[0].annotation):
                    bad.append(f"{path.relative_to(PACKAGE)} uses {name}")
    assert sorted(set(bad)) == []


LONGEST_CONSTRUCTOR = 80


def test_no_widget_constructor_runs_over_80_lines() -> None:
    """A page or dialog is built in ``_build_*`` parts, so a constructor reads as a list of
    what the widget holds."""
    package = PACKAGE / "ui"
    long = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__" and \
                            item.end_lineno is not None and \
                            item.end_lineno - item.lineno + 1 > LONGEST_CONSTRUCTOR:
                        long.append(f"{path.name}: {node.name}")
    assert long == []
