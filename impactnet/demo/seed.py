"""A deterministic demo network whose history matches the programme's figures.

Rows and audit trail are written as the services would have written them,
backdated, so counts "as of" any date follow from the audit events. Running it
again changes nothing. It flushes; the caller commits.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise

import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.accounts.passwords import hash_password
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record, snapshot
from impactnet.extensions import db
from impactnet.organisations.choices import SIZE_CLASSES
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.organisations.services import EDITABLE_FIELDS
from impactnet.regions.models import Municipality, Target

DEMO_PASSWORD = "impactnet-demo"
# .example (RFC 2606) rather than .test: the login form's email check refuses .test.
DEMO_ACCOUNTS = (
    ("partner", "partner@demo.impactnet.example"),
    ("staff", "staff@demo.impactnet.example"),
    ("municipality", "dordrecht@demo.impactnet.example"),
    ("admin", "admin@demo.impactnet.example"),
)
SEED = 20211101

# The history follows the figures in DOMAIN.md ("The network and its targets").
HISTORY_END = date(2026, 11, 27)   # the demo's "yesterday": no event lies in the future
LOSSES_FROM = date(2024, 10, 1)    # Q3 2024 was 75 = 30 labelled + 45 working: nobody had left yet
LABEL_AFTER = timedelta(days=100)  # a label takes at least ~3 months after the partner agreement
LABEL_VALIDITY = timedelta(days=730)  # DOMAIN.md's default: two years


@dataclass(frozen=True)
class Plan:
    """One municipality's history: cumulative totals reached by each date."""

    slug: str
    name: str
    joined_on: date
    opens: date                             # first registration
    partners: tuple[tuple[date, int], ...]  # applicant -> partner events, cumulative
    labelled: tuple[tuple[date, int], ...]  # labels awarded, cumulative
    applicants: int
    expired: int = 0
    revoked: int = 0
    withdrawn: int = 0


PLANS = (
    # Dordrecht ends behind its 2025 target (155 partners, 110 labelled): 141 signed, of whom one
    # withdrew, so 140 partners now; 89 labels awarded, 3 expired and 1 revoked, so 85 labelled now.
    Plan("dordrecht", "Dordrecht", date(2021, 11, 1), date(2022, 1, 1),
         partners=((date(2024, 5, 31), 65), (date(2024, 9, 30), 75), (date(2026, 11, 15), 141)),
         labelled=((date(2024, 9, 30), 30), (date(2026, 11, 20), 89)),
         applicants=6, expired=3, revoked=1, withdrawn=1),
    Plan("zwijndrecht", "Zwijndrecht", date(2025, 1, 1), date(2025, 1, 1),
         partners=((date(2026, 11, 15), 25),), labelled=((date(2026, 11, 20), 9),), applicants=3, revoked=1),
    Plan("sliedrecht", "Sliedrecht", date(2025, 1, 1), date(2025, 1, 1),
         partners=((date(2026, 11, 15), 16),), labelled=((date(2026, 11, 20), 6),), applicants=2),
)
# Known targets (also seeded by the first migration); never invent later ones.
TARGETS = {"dordrecht": ((2024, 75, 50), (2025, 155, 110))}

POSTCODES = {"dordrecht": (3311, 3319), "zwijndrecht": (3331, 3336), "sliedrecht": (3361, 3363)}
STREETS = {
    "dordrecht": "Voorstraat|Wijnstraat|Groenmarkt|Vriesestraat|Johan de Wittstraat|Merwedestraat|"
                 "Mijlweg|Zeehavenkade|Laan der Verenigde Naties|Amstelwijckweg|Dubbeldamseweg|Kilweg",
    "zwijndrecht": "Ringdijk|Kerkstraat|Lindtsedijk|Burgemeester Jansenlaan|Koninginneweg|Veerweg|Handelsweg",
    "sliedrecht": "Stationsweg|Kerkbuurt|Molendijk|Rivierdijk|Baanhoek|Merwestraat|Industrieweg",
}
# PostNL leaves out F, I, O, Q, U and Y; SA, SD and SS are never used.
POSTCODE_LETTERS = [a + b for a in "ABCDEGHJKLMNPRSTVWXZ" for b in "ABCDEGHJKLMNPRSTVWXZ"
                    if a + b not in ("SA", "SD", "SS")]
FIRST_NAMES = ("Jan Pieter Sanne Femke Mohamed Fatima Emre Anouk Daan Lotte Bas Ilse Youssef Noor Thijs "
               "Esra Kevin Marieke Ruud Wendy Sven Ahmet Latifa Ingrid Joost Floor Rik Samira Hanneke "
               "Marco Priya Bram Naima Kees Linda").split()
LAST_NAMES = ("de Vries|van den Berg|Jansen|Bakker|Visser|Smit|de Jong|van Dijk|Mulder|Bos|Vos|Peters|"
              "Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Kok|Yilmaz|El Amrani|Boukhari|Kaya|"
              "Verhoeven|van der Linden|Kramer|Prins|Huisman|Schouten|van Wijk|Koster|Verbeek|Groen|"
              "Bosman|van der Waal|Ouwehand|Kersbergen|de Bruijn").split("|")
TRADES = [tuple(t.split(":")) for t in (
    "Installatietechniek:bouw Bouw:bouw Schilderwerken:bouw Dakwerken:bouw Elektrotechniek:bouw "
    "Metaalbewerking:industrie Scheepsbouw:industrie Machinebouw:industrie Staalconstructies:industrie "
    "Logistiek:logistiek Transport:logistiek Koeriersdiensten:logistiek Groothandel:handel "
    "Bouwmaterialen:handel Catering:horeca Advies:zakelijk Accountants:zakelijk Schoonmaakdiensten:zakelijk "
    "Personeelsdiensten:zakelijk ICT:ict Webdesign:ict Media:ict Thuiszorg:zorg Opleidingen:onderwijs "
    "Evenementen:cultuur").split()]
PLACES = "Drechtsteden|Merwede|Dordtse|Biesbosch|Oude Maas|Wantij|Alblas|Zuid-Holland Zuid".split("|")
KINDS = [tuple(t.split(":")) for t in (
    "Bakkerij:handel Restaurant:horeca Café:horeca Hotel:horeca Autobedrijf:handel Kinderopvang:zorg "
    "Drukkerij:industrie Sportschool:cultuur Bloemenhandel:handel Rijwielhandel:handel Kapsalon:overig "
    "Tandartspraktijk:zorg Fysiotherapie:zorg Dierenkliniek:overig").split()]
LANDMARKS = ("De Merwede|Het Wantij|De Biesbosch|Het Anker|De Kil|De Lindenhof|De Oude Haven|Het Steiger|"
             "De Grote Kerk|De Hooikade|Het Groothoofd|De Spuihaven").split("|")
SIZE_WEIGHTS = dict(zip((key for key, _ in SIZE_CLASSES), (15, 35, 30, 15, 5), strict=True))
NOTES = {  # what staff would have written with each status change
    Status.PARTNER: "Partnerovereenkomst getekend.", Status.WORKING_TOWARD_LABEL: "Inventarisatie gestart.",
    Status.LABELLED: "Impactplan beoordeeld; label toegekend.", Status.WITHDRAWN: "Partnerovereenkomst opgezegd.",
    Status.LABEL_EXPIRED: "Label verlopen (twee jaar geldig), niet verlengd.",
    Status.LABEL_REVOKED: "Label ingetrokken na herbeoordeling.",
}


@dataclass
class Journey:
    """The dates on which one organisation moved along the path to the label."""

    registered: date
    partner: date | None = None
    working: date | None = None
    labelled: date | None = None
    ended: tuple[date, Status] | None = None  # expired, revoked or withdrawn

    def steps(self) -> list[tuple[date, Status]]:
        steps = [(self.partner, Status.PARTNER), (self.working, Status.WORKING_TOWARD_LABEL),
                 (self.labelled, Status.LABELLED), self.ended or (None, None)]
        return [(day, status) for day, status in steps if day is not None]

    @property
    def status(self) -> Status:
        steps = self.steps()
        return steps[-1][1] if steps else Status.APPLICANT


def seed_demo() -> list[tuple[str, str]]:
    """Load the demo network unless it is there already; returns the demo logins (role, email)."""
    municipalities = _ensure_municipalities()
    admin_email = dict(DEMO_ACCOUNTS)["admin"]
    if db.session.scalar(sa.select(User.id).where(User.email == admin_email)) is None:
        _seed_network(random.Random(SEED), municipalities)
    return list(DEMO_ACCOUNTS)


def _ensure_municipalities() -> dict[str, Municipality]:
    found = {m.slug: m for m in db.session.scalars(sa.select(Municipality))}
    for plan in PLANS:
        if plan.slug not in found:
            found[plan.slug] = Municipality(name=plan.name, slug=plan.slug, joined_on=plan.joined_on, active=True)
            db.session.add(found[plan.slug])
    for slug, targets in TARGETS.items():
        years = {target.year for target in found[slug].targets}
        for year, partners, labelled in targets:
            if year not in years:
                found[slug].targets.append(Target(year=year, partners_wanted=partners, labelled_wanted=labelled))
    db.session.flush()
    return found


def _day(rng: random.Random, first: date, last: date) -> date:
    """A random working day from ``first`` to ``last``."""
    if last < first or ((last - first).days < 2 and first.weekday() >= 5 and last.weekday() >= 5):
        raise ValueError(f"no working day in {first}..{last}")
    while (day := first + timedelta(days=rng.randint(0, (last - first).days))).weekday() >= 5:
        pass
    return day


def _at(rng: random.Random, day: date) -> datetime:
    """During office hours (07:00-16:00 UTC is 08:00-18:00 in Dordrecht)."""
    return datetime.combine(day, time(rng.randint(7, 15), rng.randint(0, 59)), tzinfo=timezone.utc)


def _journeys(rng: random.Random, plan: Plan) -> list[Journey]:
    """Dates only: who registered, became partner, got, lost or gave up the label when."""
    result: list[Journey] = []
    first = plan.opens + timedelta(days=30)
    for last, total in plan.partners:
        for _ in range(total - len(result)):
            partner = _day(rng, first, last)
            registered = _day(rng, max(plan.opens, partner - timedelta(days=60)), partner - timedelta(days=7))
            result.append(Journey(registered, partner))
        first = last + timedelta(days=1)
    first, awarded = plan.opens, 0
    for last, total in plan.labelled:
        ready = [j for j in result if j.labelled is None and j.partner + LABEL_AFTER <= last]
        for journey in rng.sample(ready, total - awarded):
            journey.labelled = _day(rng, max(journey.partner + LABEL_AFTER, first), last)
        first, awarded = last + timedelta(days=1), total
    expirable = [j for j in result if j.labelled and LOSSES_FROM <= j.labelled + LABEL_VALIDITY <= HISTORY_END]
    for journey in rng.sample(expirable, plan.expired):
        journey.ended = (journey.labelled + LABEL_VALIDITY, Status.LABEL_EXPIRED)
    revocable = [j for j in result if j.labelled and not j.ended and j.labelled <= HISTORY_END - timedelta(90)]
    for journey in rng.sample(revocable, plan.revoked):
        journey.ended = (_day(rng, max(journey.labelled + timedelta(60), LOSSES_FROM), HISTORY_END),
                         Status.LABEL_REVOKED)
    leaving = [j for j in result if not j.labelled and j.partner <= HISTORY_END - timedelta(120)]
    for journey in rng.sample(leaving, plan.withdrawn):
        journey.ended = (_day(rng, max(journey.partner + timedelta(90), LOSSES_FROM), HISTORY_END),
                         Status.WITHDRAWN)
    for journey in result:
        stalled = not journey.labelled and not journey.ended and rng.random() < 0.15
        working = _day(rng, journey.partner + timedelta(14), journey.partner + timedelta(75))
        if not stalled and working <= HISTORY_END:
            journey.working = working
    for _ in range(plan.applicants):
        result.append(Journey(_day(rng, HISTORY_END - timedelta(days=75), HISTORY_END)))
    return result


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _company(rng: random.Random, taken: set[str]) -> tuple[str, str, str]:
    """A new (name, sector, slug); the slug, without legal form, is unique."""
    while True:
        form = rng.random()
        if form < 0.7:
            trade, sector = rng.choice(TRADES)
            if form < 0.4:
                family = rng.choice(LAST_NAMES)
                base, legal = f"{family[0].upper()}{family[1:]} {trade}", rng.choice(("", " B.V.", " & Zn."))
            else:
                base, legal = f"{rng.choice(PLACES)} {trade}", rng.choice(("", " B.V."))
        else:
            kind, sector = rng.choice(KINDS)
            base, legal = f"{kind} {rng.choice(LANDMARKS)}", ""
        if (slug := _slug(base)) not in taken:
            taken.add(slug)
            return base + legal, sector, slug


def _kvk(rng: random.Random, taken: set[str]) -> str:
    while (number := str(rng.randint(10_000_000, 99_999_999))) in taken:
        pass
    taken.add(number)
    return number


def _organisation(rng, plan: Plan, municipality: Municipality, status: Status, times, companies, kvks):
    """A new organisation and the mail domain its people use."""
    name, sector, slug = _company(rng, companies)
    low, high = POSTCODES[plan.slug]
    organisation = Organisation(
        name=name, kvk_number=_kvk(rng, kvks), municipality_id=municipality.id, sector=sector,
        size_class=rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()))[0],
        street_address=f"{rng.choice(STREETS[plan.slug].split('|'))} {rng.randint(1, 240)}",
        postcode=f"{rng.randint(low, high)} {rng.choice(POSTCODE_LETTERS)}", city=municipality.name,
        website=f"https://{slug}.example.nl" if rng.random() < 0.6 else None,
        public_listing=status is not Status.APPLICANT and rng.random() < 0.6, status=status,
        created_at=times[0][0], updated_at=times[-1][0],
    )
    return organisation, f"{slug}.example.nl"


def _make_public_body(organisation: Organisation) -> str:
    """The municipality of Dordrecht is itself a labelled partner (DOMAIN.md)."""
    organisation.name, organisation.sector, organisation.size_class = "Gemeente Dordrecht", "overheid", "250+"
    organisation.street_address, organisation.postcode = "Spuiboulevard 300", "3311 GR"
    organisation.website, organisation.public_listing = "https://gemeente-dordrecht.example.nl", True
    return "gemeente-dordrecht.example.nl"


def _contact(rng, organisation: Organisation, domain: str, password_hash: str) -> User:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    registered = organisation.created_at
    return User(email=f"{first[0]}.{last.replace(' ', '')}@{domain}".lower(), name=f"{first} {last}",
                role=Role.PARTNER, organisation=organisation, password_hash=password_hash,
                email_verified_at=registered + timedelta(minutes=rng.randint(2, 90)),
                created_at=registered, updated_at=registered)


def _seed_network(rng: random.Random, municipalities: dict[str, Municipality]) -> None:
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    start = datetime(2021, 11, 1, 9, tzinfo=timezone.utc)
    emails = dict(DEMO_ACCOUNTS)
    account = {"password_hash": password_hash, "email_verified_at": start, "created_at": start, "updated_at": start}
    staff = User(email=emails["staff"], name="Sanne de Vries (St MBO)", role=Role.STAFF, **account)
    viewer = User(email=emails["municipality"], name="Gemeente Dordrecht (demo)", role=Role.MUNICIPALITY,
                  municipality_id=municipalities["dordrecht"].id, **account)
    admin = User(email=emails["admin"], name="Beheer St MBO (demo)", role=Role.ADMIN, **account)
    db.session.add_all([staff, viewer, admin])

    companies: set[str] = set()
    kvks = set(db.session.scalars(sa.select(Organisation.kvk_number)))
    rows = []
    for plan in PLANS:
        planned = _journeys(rng, plan)
        public_body = demo_partner = None
        if plan.slug == "dordrecht":
            partners = sorted((j for j in planned if j.partner), key=lambda j: j.partner)
            public_body = next(j for j in partners if j.status is Status.LABELLED)
            demo_partner = next(j for j in reversed(partners) if j.status is Status.WORKING_TOWARD_LABEL)
        for journey in planned:
            times = [(_at(rng, journey.registered), Status.APPLICANT)]
            times += [(_at(rng, day), status) for day, status in journey.steps()]
            organisation, domain = _organisation(rng, plan, municipalities[plan.slug], journey.status, times,
                                                 companies, kvks)
            if journey is public_body:
                domain = _make_public_body(organisation)
            contact = _contact(rng, organisation, domain, password_hash)
            if journey is demo_partner:
                contact.email = emails["partner"]
            rows.append((organisation, contact, times))
    db.session.add_all([organisation for organisation, _, _ in rows])
    db.session.flush()

    for user in (staff, viewer, admin):
        record(None, AuditAction.USER_CREATED, user, occurred_at=start,
               after={"email": user.email, "role": user.role.value, "municipality_id": user.municipality_id})
    for organisation, contact, times in rows:
        _record_history(staff, organisation, contact, times)
    db.session.flush()


def _record_history(staff: User, organisation: Organisation, contact: User, times) -> None:
    """The audit trail register_organisation and the staff's decisions would have left."""
    org = {"organisation_id": organisation.id}
    registered = times[0][0]
    record(contact, AuditAction.ORGANISATION_REGISTERED, organisation, occurred_at=registered,
           after={**snapshot(organisation, EDITABLE_FIELDS), "status": Status.APPLICANT.value}, **org)
    record(contact, AuditAction.USER_CREATED, contact, occurred_at=registered,
           after={"email": contact.email, "role": contact.role.value}, **org)
    record(contact, AuditAction.USER_EMAIL_VERIFIED, contact, occurred_at=contact.email_verified_at, **org)
    for (_, before), (when, after) in pairwise(times):
        record(staff, AuditAction.ORGANISATION_STATUS_CHANGED, organisation, occurred_at=when,
               before={"status": before.value}, after={"status": after.value}, note=NOTES[after], **org)
