"""Normalising and checking the identifiers people type in."""

from __future__ import annotations

import re

_KVK_SEPARATORS = re.compile(r"[\s.\-]")


def normalise_kvk(raw: str) -> str | None:
    """The 8-digit KvK number in ``raw``, or None when it is not one.

    People type spaces, dots or dashes ("1234 5678"); those are dropped.
    KvK numbers issued since 2016 have no check digit, so only the form is
    checked.
    """
    value = _KVK_SEPARATORS.sub("", raw or "")
    if len(value) == 8 and value.isascii() and value.isdigit():
        return value
    return None


def is_kvk(value: str) -> bool:
    """Whether ``value`` is a KvK number as impactnet writes it (8 digits, nothing else): what a
    URL holding one must say."""
    return normalise_kvk(value) == value


def normalise_postcode(raw: str) -> str | None:
    """A Dutch postcode as "1234 AB", or None when it is not valid."""
    # Imported here: python-stdnum costs a web worker 1.4 MB that only pages taking a postcode need
    # (the worker's memory target, issue #14).
    from stdnum.exceptions import ValidationError
    from stdnum.nl import postcode as nl_postcode

    try:
        return nl_postcode.validate(raw or "")
    except ValidationError:
        return None
