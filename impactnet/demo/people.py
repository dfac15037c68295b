"""Invented organisations and their contact people for the demo network."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import datetime, timedelta

from impactnet.accounts.models import Role, User
from impactnet.demo.texts import IMPACT_STATEMENTS
from impactnet.organisations.choices import SIZE_CLASSES
from impactnet.organisations.models import Organisation
from impactnet.regions.models import Municipality

POSTCODES = {"dordrecht": (3311, 3319), "zwijndrecht": (3331, 3336), "sliedrecht": (3361, 3363)}
STREETS = {
    "dordrecht": "Voorstraat|Wijnstraat|Groenmarkt|Vriesestraat|Johan de Wittstraat|Merwedestraat|"
    "Mijlweg|Zeehavenkade|Laan der Verenigde Naties|Amstelwijckweg|Dubbeldamseweg|Kilweg",
    "zwijndrecht": "Ringdijk|Kerkstraat|Lindtsedijk|Burgemeester Jansenlaan|Koninginneweg|Veerweg|Handelsweg",
    "sliedrecht": "Stationsweg|Kerkbuurt|Molendijk|Rivierdijk|Baanhoek|Merwestraat|Industrieweg",
}
# PostNL leaves out F, I, O, Q, U and Y; SA, SD and SS are never used.
POSTCODE_LETTERS = [
    a + b for a in "ABCDEGHJKLMNPRSTVWXZ" for b in "ABCDEGHJKLMNPRSTVWXZ" if a + b not in ("SA", "SD", "SS")
]
FIRST_NAMES = (
    "Jan Pieter Sanne Femke Mohamed Fatima Emre Anouk Daan Lotte Bas Ilse Youssef Noor Thijs "
    "Esra Kevin Marieke Ruud Wendy Sven Ahmet Latifa Ingrid Joost Floor Rik Samira Hanneke "
    "Marco Priya Bram Naima Kees Linda"
).split()
LAST_NAMES = (
    "de Vries|van den Berg|Jansen|Bakker|Visser|Smit|de Jong|van Dijk|Mulder|Bos|Vos|Peters|"
    "Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Kok|Yilmaz|El Amrani|Boukhari|Kaya|"
    "Verhoeven|van der Linden|Kramer|Prins|Huisman|Schouten|van Wijk|Koster|Verbeek|Groen|"
    "Bosman|van der Waal|Ouwehand|Kersbergen|de Bruijn"
).split("|")
TRADES = [
    tuple(t.split(":"))
    for t in (
        "Installatietechniek:bouw Bouw:bouw Schilderwerken:bouw Dakwerken:bouw Elektrotechniek:bouw "
        "Metaalbewerking:industrie Scheepsbouw:industrie Machinebouw:industrie Staalconstructies:industrie "
        "Logistiek:logistiek Transport:logistiek Koeriersdiensten:logistiek Groothandel:handel "
        "Bouwmaterialen:handel Catering:horeca Advies:zakelijk Accountants:zakelijk Schoonmaakdiensten:zakelijk "
        "Personeelsdiensten:zakelijk ICT:ict Webdesign:ict Media:ict Thuiszorg:zorg Opleidingen:onderwijs "
        "Evenementen:cultuur"
    ).split()
]
PLACES = "Drechtsteden|Merwede|Dordtse|Biesbosch|Oude Maas|Wantij|Alblas|Zuid-Holland Zuid".split("|")
KINDS = [
    tuple(t.split(":"))
    for t in (
        "Bakkerij:handel Restaurant:horeca Café:horeca Hotel:horeca Autobedrijf:handel Kinderopvang:zorg "
        "Drukkerij:industrie Sportschool:cultuur Bloemenhandel:handel Rijwielhandel:handel Kapsalon:overig "
        "Tandartspraktijk:zorg Fysiotherapie:zorg Dierenkliniek:overig"
    ).split()
]
LANDMARKS = (
    "De Merwede|Het Wantij|De Biesbosch|Het Anker|De Kil|De Lindenhof|De Oude Haven|Het Steiger|"
    "De Grote Kerk|De Hooikade|Het Groothoofd|De Spuihaven"
).split("|")
SIZE_WEIGHTS = dict(zip((key for key, _ in SIZE_CLASSES), (15, 35, 30, 15, 5), strict=True))


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


def organisation(
    rng: random.Random,
    slug: str,
    municipality: Municipality,
    *,
    listed: bool,
    created: datetime,
    companies: set[str],
    kvks: set[str],
) -> tuple[Organisation, str]:
    """A new organisation and the mail domain its people use."""
    name, sector, company_slug = _company(rng, companies)
    low, high = POSTCODES[slug]
    result = Organisation(
        name=name,
        kvk_number=_kvk(rng, kvks),
        municipality_id=municipality.id,
        sector=sector,
        size_class=rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()))[0],
        street_address=f"{rng.choice(STREETS[slug].split('|'))} {rng.randint(1, 240)}",
        postcode=f"{rng.randint(low, high)} {rng.choice(POSTCODE_LETTERS)}",
        city=municipality.name,
        website=f"https://{company_slug}.example.nl" if rng.random() < 0.6 else None,
        public_listing=listed and rng.random() < 0.6,
        created_at=created,
        updated_at=created,
    )
    if result.public_listing:  # picked by KvK number, so the random stream (and the rest of the demo) stays the same
        result.impact_statement = IMPACT_STATEMENTS[int(result.kvk_number) % len(IMPACT_STATEMENTS)] or None
    return result, f"{company_slug}.example.nl"


def make_public_body(organisation: Organisation) -> str:
    """The municipality of Dordrecht is itself a labelled partner (DOMAIN.md)."""
    organisation.name, organisation.sector, organisation.size_class = "Gemeente Dordrecht", "overheid", "250+"
    organisation.street_address, organisation.postcode = "Spuiboulevard 300", "3311 GR"
    organisation.website, organisation.public_listing = "https://gemeente-dordrecht.example.nl", True
    return "gemeente-dordrecht.example.nl"


def contact(rng: random.Random, organisation: Organisation, domain: str, password_hash: str) -> User:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    registered = organisation.created_at
    return User(
        email=f"{first[0]}.{last.replace(' ', '')}@{domain}".lower(),
        name=f"{first} {last}",
        role=Role.PARTNER,
        organisation=organisation,
        password_hash=password_hash,
        email_verified_at=registered + timedelta(minutes=rng.randint(2, 90)),
        created_at=registered,
        updated_at=registered,
    )
