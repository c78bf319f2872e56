"""The one helper that finds resources/: a PyInstaller bundle, a wheel, a source checkout."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from placement_desk import resource_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    resource_files.resources_dir.cache_clear()
    yield
    resource_files.resources_dir.cache_clear()


def test_a_source_checkout_reads_the_top_level_folder() -> None:
    assert resource_files.resources_dir() == ROOT / "resources"
    assert resource_files.resource_path("icons", "bed.svg").is_file()


def test_a_bundle_is_looked_in_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_files.resources_dir() == tmp_path / "resources"


def test_an_installed_wheel_reads_the_copy_inside_the_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "placement_desk"
    (package / "resources" / "icons").mkdir(parents=True)
    monkeypatch.setattr(resource_files, "PACKAGE", package)
    assert resource_files.resources_dir() == package / "resources"


def test_a_missing_folder_says_where_it_looked(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource_files, "PACKAGE", tmp_path / "nowhere" / "placement_desk")
    with pytest.raises(FileNotFoundError, match="Reinstall"):
        resource_files.resources_dir()


def test_every_icon_a_page_names_is_shipped_with_its_licence() -> None:
    names = set()
    pages = 0
    for page in (ROOT / "placement_desk" / "ui").glob("*/page.py"):
        found = re.findall(r'@register_page\("\w+", "[^"]+", "([\w-]+)"',
                           page.read_text(encoding="utf-8"))
        pages += bool(found)
        names.update(found)
    assert len(names) == pages == 6, "each page its own icon"
    for path in (ROOT / "placement_desk").rglob("*.py"):  # and the fields' icons
        names.update(re.findall(r'\bicon\("([\w-]+)"\)', path.read_text(encoding="utf-8")))
    icons = ROOT / "resources" / "icons"
    assert {p.stem for p in icons.glob("*.svg")} == names, "only the icons the app uses"
    assert "MIT License" in (icons / "LICENSE").read_text(encoding="utf-8")
