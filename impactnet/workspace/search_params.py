"""The query parameters of St MBO's organisation search (the list page and its downloads).

Parsed strictly, as the directory's (:mod:`impactnet.directory.params`): an empty parameter means
"any", a value the lists do not offer is refused with a :class:`ParameterError` that names the
parameter (Dutch and English), which the page shows in its form with a 400. Unknown parameter
names are ignored, as everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from impactnet.core.params import ParameterError
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES, STATUS_LABELS

MAX_QUERY = 100  # characters of a search
MAX_PAGE = 100_000
PAGE_SIZE = 50

WAITING_ON = ("partner", "stmbo")  # whose move it is: the organisation's or St MBO's
# Label expiry: within so many days from today, or already past.
EXPIRY_WINDOWS = ("30", "90", "180", "365", "expired")
SORT_KEYS = ("name", "kvk", "municipality", "status", "step", "waiting", "sector", "size", "expiry", "registered")
DIRECTIONS = ("asc", "desc")
NO_MANAGER = "none"  # the organisations without an account manager


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    municipality: str | None = None  # slug
    status: str | None = None
    step: str | None = None  # key of the current step
    waiting: str | None = None
    sector: str | None = None
    size: str | None = None
    expiry: str | None = None
    manager: str | None = None  # an account manager's user id, or NO_MANAGER
    sort: str = "name"
    dir: str = "asc"
    page: int = 1

    def filters(self) -> dict[str, str]:
        """The filters given (not sort or page), as the audit trail records them."""
        return {
            name: value
            for name, value in asdict(self).items()
            if name not in ("sort", "dir", "page") and value not in (None, "")
        }

    def url_args(self, **changes) -> dict:
        """The parameters for a link to this search (with ``changes``), leaving out the defaults."""
        values = {**asdict(self), **changes}
        defaults = asdict(SearchParams())
        return {name: value for name, value in values.items() if value not in (None, "") and value != defaults[name]}


def _has_control_characters(text: str) -> bool:
    return any(ord(character) < 32 or 127 <= ord(character) < 160 for character in text)


def _query(raw: str) -> str:
    if _has_control_characters(raw.replace("\t", " ")):
        raise ParameterError(
            "q",
            "De zoekterm bevat tekens die niet in een naam, KvK-nummer, e-mailadres of postcode voorkomen.",
            "The search contains characters that cannot be searched for.",
        )
    q = " ".join(raw.split())
    if len(q) > MAX_QUERY:
        raise ParameterError(
            "q", f"Zoek op hoogstens {MAX_QUERY} tekens.", f"Search for at most {MAX_QUERY} characters."
        )
    return q


def _choice(args: Mapping[str, str], name: str, allowed, dutch: str, english: str) -> str | None:
    value = args.get(name) or None
    if value is not None and value not in allowed:
        raise ParameterError(name, dutch, english)
    return value


def _page(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        raise ParameterError(
            "page",
            f"'page' moet een geheel getal zijn van 1 tot en met {MAX_PAGE}.",
            f"'page' must be a whole number from 1 to {MAX_PAGE}.",
        )
    return int(raw)


def search_params(
    args: Mapping[str, str], municipality_slugs: set[str], step_keys: set[str], manager_ids: set[str]
) -> SearchParams:
    """The search in ``args`` (``manager_ids``: the account managers on offer, as strings). Raises
    ParameterError."""
    return SearchParams(
        q=_query(args.get("q", "")),
        municipality=_choice(
            args, "municipality", municipality_slugs, "Deze gemeente kennen we niet.", "Unknown municipality."
        ),
        status=_choice(args, "status", STATUS_LABELS, "Kies een status uit de lijst.", "Unknown status."),
        step=_choice(args, "step", step_keys, "Kies een stap uit de lijst.", "Unknown step."),
        waiting=_choice(
            args,
            "waiting",
            WAITING_ON,
            "Kies bij ‘Wacht op’ de partner of St MBO.",
            "'waiting' must be partner or stmbo.",
        ),
        sector=_choice(args, "sector", dict(SECTORS), "Deze sector kennen we niet.", "Unknown sector."),
        size=_choice(
            args, "size", dict(SIZE_CLASSES), "Kies een aantal medewerkers uit de lijst.", "Unknown size class."
        ),
        expiry=_choice(
            args,
            "expiry",
            EXPIRY_WINDOWS,
            "Kies bij ‘Label verloopt’ een termijn uit de lijst.",
            "'expiry' must be one of: " + ", ".join(EXPIRY_WINDOWS) + ".",
        ),
        manager=_choice(
            args,
            "manager",
            manager_ids | {NO_MANAGER},
            "Kies een relatiebeheerder uit de lijst.",
            "Unknown account manager.",
        ),
        sort=_choice(
            args,
            "sort",
            SORT_KEYS,
            "Op deze kolom kunt u niet sorteren.",
            "'sort' must be one of: " + ", ".join(SORT_KEYS) + ".",
        )
        or "name",
        dir=_choice(args, "dir", DIRECTIONS, "Sorteer oplopend of aflopend.", "'dir' must be asc or desc.") or "asc",
        page=_page(args.get("page") or "1"),
    )
