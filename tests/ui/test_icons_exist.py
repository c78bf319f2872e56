"""Every icon the app asks for is a file in resources/icons (a missing one draws blank)."""

from __future__ import annotations

import re
from pathlib import Path

from placement_desk.resource_files import resource_path

PACKAGE = Path(__file__).resolve().parents[2] / "placement_desk"


def test_every_icon_named_in_the_code_is_in_resources() -> None:
    named = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        named.update(re.findall(r"\bicon\(\"([\w.-]+)\"\)", text))
        named.update(re.findall(r"@register_page\(\"\w+\", \"[^\"]+\", \"([\w.-]+)\"", text))
    assert named, "the pattern finds the icons"
    missing = sorted(n for n in named if not resource_path("icons", f"{n}.svg").is_file())
    assert missing == []
