"""The list of Individual Placement Agreements: its search and filter.

The rows come from :func:`~.ipa.list_agreements`; :func:`filter_agreements` is what
the list's search box and status choice mean: one pass over pre-built lower-case
search text, quick enough to run on every keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .ipa import AgreementRow


@dataclass(frozen=True)
class AgreementFilter:
    """What the list shows; empty values show everything."""

    text: str = ""
    """Words that must all appear in the reference, child reference, setting or URN."""
    status: str = ""
    """An :class:`~placement_desk.models.enums.AgreementStatus` value (latest version's)."""

    def is_clear(self) -> bool:
        return not (self.text.strip() or self.status)


def haystack(row: AgreementRow) -> str:
    """The lower-case text the search looks in."""
    return " ".join(p for p in (row.reference, row.child_ref, row.setting_name, row.urn)
                    if p).casefold()


def filter_agreements(rows: Sequence[AgreementRow], hays: Sequence[str],
                      f: AgreementFilter) -> list[int]:
    """Positions of the rows that pass the filter, in their order."""
    words = f.text.casefold().split()
    return [n for n, row in enumerate(rows)
            if all(w in hays[n] for w in words)
            and (not f.status or row.status.value == f.status)]
