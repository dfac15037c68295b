"""The directory's query parameters (``q``, ``municipality``, ``sector``, ``goal``, ``status``,
``page``), the same for the page, the CSV and the JSON: parsed strictly, refused with a message
in Dutch and English that names the parameter."""

from __future__ import annotations

from collections.abc import Mapping

from impactnet.core.params import ParameterError
from impactnet.directory.services import Filters, PublicStatus
from impactnet.organisations.choices import SECTORS

MAX_QUERY = 100  # characters of a name search
MAX_PAGE = 10_000


def _number(name: str, raw: str, largest: int) -> int:
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= largest:
        raise ParameterError(
            name,
            f"'{name}' moet een geheel getal zijn van 1 tot en met {largest}.",
            f"'{name}' must be a whole number from 1 to {largest}.",
        )
    return int(raw)


def directory_filters(args: Mapping[str, str], municipality_slugs: set[str]) -> Filters:
    """The filters in ``args``; an empty parameter means "any". Raises ParameterError."""
    q = " ".join(args.get("q", "").split())
    if len(q) > MAX_QUERY:
        raise ParameterError(
            "q", f"Zoek op hoogstens {MAX_QUERY} tekens.", f"Search for at most {MAX_QUERY} characters."
        )
    municipality = args.get("municipality") or None
    if municipality is not None and municipality not in municipality_slugs:
        raise ParameterError("municipality", "Deze gemeente kennen we niet.", "Unknown municipality.")
    sector = args.get("sector") or None
    if sector is not None and sector not in dict(SECTORS):
        raise ParameterError("sector", "Deze sector kennen we niet.", "Unknown sector.")
    status = args.get("status") or None
    if status is not None and status not in set(PublicStatus):
        raise ParameterError(
            "status", "Kies een status uit de lijst.", "'status' must be one of: " + ", ".join(PublicStatus) + "."
        )
    goal = args.get("goal") or None
    page = args.get("page") or "1"
    return Filters(
        q=q,
        municipality=municipality,
        sector=sector,
        goal=_number("goal", goal, 99) if goal is not None else None,
        status=PublicStatus(status) if status is not None else None,
        page=_number("page", page, MAX_PAGE),
    )
