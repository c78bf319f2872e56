"""The identifiers the app reads and checks everywhere: Ofsted URNs and UK postcodes.

One rule for each, used by the file readers in ``io/`` and by the services alike, so
that a URN the Ofsted reader accepts is one the register accepts too. Qt-free.
"""

from __future__ import annotations

import re

URN_PATTERN = re.compile(r"^(?:[A-Z]{2}\d{6}|\d{6,7})$")
"""An Ofsted URN: two letters and six digits (``SC469688``) or six or seven digits
(``2590934``; a few of 2015's are six). Every form Ofsted has published since 2015."""

POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")
"""A UK postcode as :func:`normalise_postcode` writes it: outward code, one space,
inward code (``SM1 1AA``)."""


def normalise_urn(text: object) -> str | None:
    """Upper case without spaces; a number read from a sheet loses its ``.0``;
    blank → None. ``'sc469688 '`` → ``'SC469688'``, ``2590934.0`` → ``'2590934'``."""
    if text is None:
        return None
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    value = "".join(str(text).upper().split())
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    return value or None


def is_urn(value: str | None) -> bool:
    """Whether a normalised value is an Ofsted URN (all zeros is not)."""
    return (value is not None and URN_PATTERN.match(value) is not None
            and value.strip("0") not in ("", "SC"))


def normalise_postcode(text: str | None) -> str | None:
    """Upper case with one space before the inward code: ``sm11aa`` → ``SM1 1AA``."""
    value = "".join((text or "").upper().split())
    if not value:
        return None
    return f"{value[:-3]} {value[-3:]}" if len(value) > 3 else value


def postcode_key(text: str | None) -> str | None:
    """The postcode lookup's key: upper case without spaces (``sm1 1aa`` → ``SM11AA``)."""
    value = normalise_postcode(text)
    return value.replace(" ", "") if value else None


def is_postcode(text: str | None) -> bool:
    """Whether ``text`` (in any spacing or case) is a UK postcode."""
    value = normalise_postcode(text)
    return value is not None and POSTCODE_PATTERN.match(value) is not None
