"""One rule for URNs and postcodes, shared by the file readers and the services."""

from __future__ import annotations

import csv
import re

import pytest

from placement_desk.identifiers import (
    is_postcode,
    is_urn,
    normalise_postcode,
    normalise_urn,
    postcode_key,
)
from tests.reference import OFSTED, need


def test_urns_in_every_published_form_are_urns() -> None:
    for text in ("SC469688", "sc 469688", "2590934", "100000", 2590934.0):
        assert is_urn(normalise_urn(text)), text


@pytest.mark.parametrize("text", ["0000000", "SC000000", "S469688", "SC4696881", "12345",
                                  "URN", "", None])
def test_what_is_not_a_urn(text: object) -> None:
    assert not is_urn(normalise_urn(text))


def test_postcodes_normalise_to_one_form() -> None:
    assert normalise_postcode(" sw1a2aa ") == "SW1A 2AA"
    assert postcode_key("sm1 1aa") == "SM11AA"
    assert is_postcode("sm11aa") and is_postcode("SW1A 2AA") and is_postcode("M1 1AE")
    assert not is_postcode("SM1") and not is_postcode("12345") and not is_postcode(None)


@pytest.mark.reference
def test_every_urn_ofsted_published_in_2025_passes_the_rule() -> None:
    path = need(OFSTED / "provider_level_at_31_march_2025.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = next(i for i, row in enumerate(rows) if "URN" in row)
    column = rows[header].index("URN")
    urns = [row[column] for row in rows[header + 1:] if len(row) > column and row[column]]
    assert len(urns) > 5000
    assert all(is_urn(normalise_urn(u)) for u in urns if re.search(r"\d", u))
