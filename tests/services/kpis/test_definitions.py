"""Every figure has its definition, and the guide's page says the same."""

from __future__ import annotations

from pathlib import Path

from placement_desk.services.kpis.definitions import DEFINITIONS, definitions_markdown
from placement_desk.services.kpis.report import HEADLINES

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "kpi-definitions.md"


def test_the_guides_page_is_written_from_the_definitions() -> None:
    """Change a definition, then write the page again:
    ``python -c "from placement_desk.services.kpis.definitions import definitions_markdown;
    open('docs/kpi-definitions.md', 'w').write(definitions_markdown())"``."""
    assert GUIDE.read_text(encoding="utf-8") == definitions_markdown()
    for d in DEFINITIONS.values():
        assert f"### {d.title}\n\n{d.text}\n" in GUIDE.read_text(encoding="utf-8")


def test_every_headline_figure_is_defined() -> None:
    assert set(HEADLINES) <= set(DEFINITIONS)
