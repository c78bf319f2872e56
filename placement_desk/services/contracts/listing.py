"""What the Contracts page's lists show: the register, the providers due a review and the
reviews recorded, each narrowed by its filter bar.

The rows come from :func:`~.contract_views.list_contracts`, :func:`~.review_due.reviews_due`
and :func:`~.review_list.list_reviews`; the functions here are what each list's
search box and choices mean, so the page and the tests apply one rule. Every
search matches when all the words typed appear (in any order, any case) in the
row's text; an empty value shows everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .contract_views import ContractRow
from .review_due import DueRow, DueStatus
from .review_list import ReviewRow
from .terms import ContractStatus

IN_FORCE = "in_force"
"""Status choice: a contract live or ending soon."""

STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    (IN_FORCE, "In force"), *ContractStatus.choices())
"""The register's status choices after "Any status"."""

OVERDUE = "overdue"
DUE_SOON = "soon"
DUE_CHOICES: tuple[tuple[str, str], ...] = (
    (OVERDUE, "Overdue"), (DUE_SOON, "Overdue or due within 30 days"))
"""The due list's choices after "Every provider with a child placed"; it opens on
:data:`DUE_SOON`."""


def _words(text: str) -> list[str]:
    return text.casefold().split()


def _has(words: list[str], *parts: str | None) -> bool:
    hay = " ".join(p for p in parts if p).casefold()
    return all(w in hay for w in words)


# --- The register -----------------------------------------------------------------------

@dataclass(frozen=True)
class ContractFilter:
    """What the register shows; empty values show every contract."""

    text: str = ""
    """Words that must all appear in the reference, title, type or a provider's name."""
    contract_type: str = ""
    """A :class:`~placement_desk.models.enums.ContractType` value."""
    status: str = ""
    """A :class:`~.terms.ContractStatus` value, or :data:`IN_FORCE`."""
    provider: str = ""
    """A provider's id as text: contracts it is on."""

    def is_clear(self) -> bool:
        return not (self.text.strip() or self.contract_type or self.status or self.provider)


def contract_passes(row: ContractRow, f: ContractFilter) -> bool:
    """Whether ``row`` passes the filter."""
    if f.contract_type and row.contract_type.value != f.contract_type:
        return False
    if f.status == IN_FORCE:
        if row.status not in (ContractStatus.LIVE, ContractStatus.ENDING_SOON):
            return False
    elif f.status and row.status.value != f.status:
        return False
    if f.provider and f.provider not in {str(p) for p in row.provider_ids}:
        return False
    words = _words(f.text)
    return not words or _has(words, row.reference, row.title, row.contract_type.label,
                             *row.providers)


def filter_contracts(rows: Iterable[ContractRow], f: ContractFilter) -> list[ContractRow]:
    """The contracts that pass the filter, in their order."""
    return [row for row in rows if contract_passes(row, f)]


def contract_providers(rows: Iterable[ContractRow]) -> list[tuple[str, str]]:
    """(id as text, name) of every provider on the contracts, by name: the provider choice."""
    names: dict[str, str] = {}
    for row in rows:
        for pid, name in zip(row.provider_ids, row.providers, strict=True):
            names[str(pid)] = name
    return sorted(names.items(), key=lambda kv: (kv[1].casefold(), kv[0]))


# --- Providers due a review ---------------------------------------------------------------

@dataclass(frozen=True)
class DueFilter:
    """Which providers with a child placed are listed; empty values list them all."""

    text: str = ""
    """Words that must all appear in the provider's name."""
    due: str = ""
    """:data:`OVERDUE`, or :data:`DUE_SOON` (overdue or due within 30 days)."""

    def is_clear(self) -> bool:
        return not (self.text.strip() or self.due)


def filter_due(rows: Iterable[DueRow], f: DueFilter) -> list[DueRow]:
    """The providers that pass the filter, in their order."""
    words = _words(f.text)
    kept = []
    for row in rows:
        if f.due == OVERDUE and row.status != DueStatus.OVERDUE:
            continue
        if f.due == DUE_SOON and row.status == DueStatus.NOT_DUE:
            continue
        if words and not _has(words, row.provider_name):
            continue
        kept.append(row)
    return kept


# --- Reviews recorded -----------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewFilter:
    """Which reviews are listed; empty values list every review not deleted."""

    text: str = ""
    """Words that must all appear in the provider's name or the contract's reference."""
    status: str = ""
    """A :class:`~placement_desk.models.enums.ReviewStatus` value."""

    def is_clear(self) -> bool:
        return not (self.text.strip() or self.status)


def filter_reviews(rows: Iterable[ReviewRow], f: ReviewFilter) -> list[ReviewRow]:
    """The reviews that pass the filter, in their order."""
    words = _words(f.text)
    return [row for row in rows
            if (not f.status or row.status.value == f.status)
            and (not words or _has(words, row.provider_name, row.contract_reference))]
