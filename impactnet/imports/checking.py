"""The dry run: what each row of an import file would create or change, and every error in it.

The checks are those of the registration form (KvK number, municipality, postcode in it, sector, size,
e-mail address) plus the history's: dates in the past, steps in the path's order (a step needs the one
before it, as the state machine does), a label that ends after it starts, no KvK number twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.accounts.services import normalise_email
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES
from impactnet.organisations.identifiers import normalise_kvk, normalise_postcode
from impactnet.organisations.models import Organisation
from impactnet.regions.models import Municipality

# The file's date columns and the steps of the path they say were done (in the path's order).
STEP_COLUMNS = (
    ("overeenkomst_getekend", "partnerovereenkomst"),
    ("inventarisatie", "inventarisatie"),
    ("inspiratiesessie", "inspiratiesessie"),
    ("impactplan", "impactplan"),
    ("label_toegekend", "beoordeling"),
)
DETAIL_FIELDS = ("name", "municipality_id", "sector", "size_class", "street_address", "postcode", "city")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y", "%d/%m/%y")
FORMULA = re.compile(r"^\s*[=+@]")  # what a spreadsheet would run as a formula (a leading "-" is a minus sign)


@dataclass
class RowPlan:
    """One row of the file: what it becomes (create, update, unchanged) or why it cannot."""

    number: int
    kvk_number: str
    name: str
    action: str = "create"  # create | update | unchanged | error
    details: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)  # field: (old, new), for an update
    steps: dict = field(default_factory=dict)  # step key: date done
    label_valid_until: date | None = None
    contact_name: str = ""
    contact_email: str = ""
    errors: list = field(default_factory=list)
    organisation_id: int | None = None


@dataclass
class Plan:
    rows: list[RowPlan]
    notices: list = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def parse_date(value) -> date | None:
    """A cell as a date (an xlsx date, ISO or Dutch day-month-year); ValueError when it is none."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _choice(choices, value: str) -> str | None:
    wanted = value.strip().lower()
    for key, label in choices:
        if wanted in (key.lower(), str(label).lower()):
            return key
    return None


def _kvk(raw: str) -> str | None:
    digits = str(raw or "").strip()
    if digits.isdigit() and 0 < len(digits) < 8:
        digits = digits.zfill(8)  # a spreadsheet dropped the leading zeros
    return normalise_kvk(digits)


class _Context:
    """What the checks look up once per run: municipalities, existing organisations and addresses."""

    def __init__(self, kvk_numbers: set[str], emails: set[str]):
        self.municipalities = {}
        for municipality in db.session.scalars(sa.select(Municipality)):
            self.municipalities[municipality.name.lower()] = municipality
            self.municipalities[municipality.slug.lower()] = municipality
        self.existing = (
            {
                o.kvk_number: o
                for o in db.session.scalars(sa.select(Organisation).where(Organisation.kvk_number.in_(kvk_numbers)))
            }
            if kvk_numbers
            else {}
        )
        self.imported = (
            set(
                db.session.scalars(
                    sa.select(AuditEvent.organisation_id).where(
                        AuditEvent.action == AuditAction.ORGANISATION_IMPORTED,
                        AuditEvent.organisation_id.in_([o.id for o in self.existing.values()]),
                    )
                )
            )
            if self.existing
            else set()
        )
        self.emails = (
            {
                email: organisation_id
                for email, organisation_id in db.session.execute(
                    sa.select(User.email, User.organisation_id).where(User.email.in_(emails))
                )
            }
            if emails
            else {}
        )


def _check_details(row: RowPlan, values: dict, context: _Context) -> None:
    errors = row.errors
    if not row.name:
        errors.append(_l("De naam ontbreekt."))
    elif len(row.name) > 200:
        errors.append(_l("De naam is langer dan 200 tekens."))
    municipality = context.municipalities.get(values.get("gemeente", "").strip().lower())
    if municipality is None:
        errors.append(_l("Onbekende gemeente ‘%(name)s’.", name=values.get("gemeente", "")))
    postcode = normalise_postcode(values.get("postcode", ""))
    if postcode is None:
        errors.append(_l("Ongeldige postcode ‘%(value)s’.", value=values.get("postcode", "")))
    elif municipality is not None and not municipality.covers_postcode(postcode):
        errors.append(
            _l(
                "Postcode %(postcode)s ligt niet in de gemeente %(municipality)s.",
                postcode=postcode,
                municipality=municipality.name,
            )
        )
    sector = _choice(SECTORS, values.get("sector", ""))
    if sector is None:
        errors.append(_l("Onbekende sector ‘%(value)s’.", value=values.get("sector", "")))
    size = _choice(SIZE_CLASSES, values.get("grootte", ""))
    if size is None:
        errors.append(
            _l(
                "Onbekende grootte ‘%(value)s’ (gebruik 1, 2-9, 10-49, 50-249 of 250+).",
                value=values.get("grootte", ""),
            )
        )
    street, city = values.get("adres", "").strip(), values.get("plaats", "").strip()
    if not street or not city:
        errors.append(_l("Adres en plaats zijn verplicht."))
    elif len(street) > 200 or len(city) > 100:
        errors.append(_l("Adres of plaats is te lang."))
    row.details = {
        "name": row.name,
        "municipality_id": municipality.id if municipality else None,
        "sector": sector,
        "size_class": size,
        "street_address": street,
        "postcode": postcode,
        "city": city,
    }


def _check_dates(row: RowPlan, values: dict, today: date, validity) -> None:
    errors, previous = row.errors, None
    for column, step_key in STEP_COLUMNS:
        try:
            done = parse_date(values.get(column))
        except ValueError as error:
            errors.append(
                _l(
                    "‘%(value)s’ in %(column)s is geen datum (gebruik bijvoorbeeld 2024-03-15 of 15-03-2024).",
                    value=str(error),
                    column=column,
                )
            )
            continue
        if done is None:
            previous = previous if previous is not None else None
            if column == "overeenkomst_getekend":
                errors.append(_l("De datum van de partnerovereenkomst ontbreekt."))
            row.steps[step_key] = None
            continue
        if done > today:
            errors.append(_l("%(column)s ligt in de toekomst (%(date)s).", column=column, date=done.isoformat()))
        earlier = [key for key, day in row.steps.items() if day is None]
        if earlier:
            errors.append(
                _l("%(column)s is ingevuld, maar een eerdere stap niet: de stappen gaan op volgorde.", column=column)
            )
        elif previous is not None and done < previous:
            errors.append(_l("%(column)s (%(date)s) ligt vóór de vorige stap.", column=column, date=done.isoformat()))
        row.steps[step_key], previous = done, done
    row.steps = {key: day for key, day in row.steps.items() if day is not None}
    try:
        until = parse_date(values.get("label_geldig_tot"))
    except ValueError as error:
        errors.append(
            _l(
                "‘%(value)s’ in %(column)s is geen datum (gebruik bijvoorbeeld 2024-03-15 of 15-03-2024).",
                value=str(error),
                column="label_geldig_tot",
            )
        )
        return
    awarded = row.steps.get("beoordeling")
    if until is not None and awarded is None:
        errors.append(_l("label_geldig_tot is ingevuld, maar label_toegekend niet."))
    elif awarded is not None:
        until = until or awarded + validity
        if until <= awarded:
            errors.append(
                _l(
                    "Het label eindigt (%(end)s) vóór of op de dag dat het begint (%(start)s).",
                    end=until.isoformat(),
                    start=awarded.isoformat(),
                )
            )
        row.label_valid_until = until


def _check_contact(row: RowPlan, values: dict, context: _Context, emails_seen: dict) -> None:
    row.contact_name = values.get("contactpersoon", "").strip()[:100]
    email = normalise_email(values.get("email", ""))
    if not email:
        return
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        row.errors.append(_l("Ongeldig e-mailadres ‘%(value)s’.", value=email))
        return
    if email in emails_seen:
        row.errors.append(_l("E-mailadres %(email)s staat ook in rij %(row)s.", email=email, row=emails_seen[email]))
    emails_seen.setdefault(email, row.number)
    owner = context.emails.get(email, "absent")
    if owner != "absent" and (row.organisation_id is None or owner != row.organisation_id):
        row.errors.append(_l("Er bestaat al een account met e-mailadres %(email)s.", email=email))
    row.contact_email = email


def _compare(row: RowPlan, organisation: Organisation, imported: bool) -> None:
    if not imported:
        row.errors.append(
            _l(
                "KvK-nummer %(kvk)s hoort al bij ‘%(name)s’, die zich via het portaal heeft aangemeld; "
                "die wordt niet overschreven.",
                kvk=row.kvk_number,
                name=organisation.name,
            )
        )
        return
    row.organisation_id = organisation.id
    row.changes = {
        name: (getattr(organisation, name), row.details[name])
        for name in DETAIL_FIELDS
        if getattr(organisation, name) != row.details[name]
    }
    row.action = "update" if row.changes else "unchanged"


def check_rows(rows: list[tuple[int, dict]], today: date, validity) -> list[RowPlan]:
    """The plan of every row (``validity``: a label's default length, a relativedelta)."""
    kvk_numbers = {kvk for _, values in rows if (kvk := _kvk(values.get("kvk_nummer", "")))}
    emails = {normalise_email(values.get("email", "")) for _, values in rows} - {""}
    context, plans, kvk_seen, emails_seen = _Context(kvk_numbers, emails), [], {}, {}
    for number, values in rows:
        raw_kvk = str(values.get("kvk_nummer", "")).strip()
        row = RowPlan(number=number, kvk_number=_kvk(raw_kvk) or raw_kvk, name=str(values.get("naam", "")).strip())
        plans.append(row)
        formulas = sorted(column for column, value in values.items() if isinstance(value, str) and FORMULA.match(value))
        if formulas:
            row.errors.append(
                _l(
                    "Formule in %(columns)s: formules worden niet uitgevoerd of overgenomen. Vul de waarde zelf in.",
                    columns=", ".join(formulas),
                )
            )
        values = {key: value if isinstance(value, date) else str(value) for key, value in values.items()}
        if _kvk(raw_kvk) is None:
            row.errors.append(_l("Ongeldig KvK-nummer ‘%(value)s’ (8 cijfers).", value=raw_kvk))
        elif row.kvk_number in kvk_seen:
            row.errors.append(
                _l("KvK-nummer %(kvk)s staat ook in rij %(row)s.", kvk=row.kvk_number, row=kvk_seen[row.kvk_number])
            )
        else:
            kvk_seen[row.kvk_number] = number
        _check_details(row, values, context)
        _check_dates(row, values, today, validity)
        existing = context.existing.get(row.kvk_number)
        if existing is not None and not row.errors:
            _compare(row, existing, existing.id in context.imported)
        _check_contact(row, values, context, emails_seen)
        if row.errors:
            row.action = "error"
    return plans
