"""What the demo's entrepreneurs wrote and St MBO answered, in Dutch.

Organisations are invented; the texts name no real company or school.
"""

from __future__ import annotations

import random
from datetime import date

MONTHS = ("januari februari maart april mei juni juli augustus september oktober november december").split()
SIGNERS = ("directeur-eigenaar", "eigenaar", "algemeen directeur", "bedrijfsleider", "HR-manager", "directeur")

# The Inventarisatie, per question key of impactnet.journey.questionnaire.QUESTIONS.
ANSWERS = {
    "banen_nu": (
        "Twee collega's werken bij ons via de Participatiewet: één in de werkplaats en één in het magazijn.",
        "Eén medewerker met een Wajong-uitkering werkt in de expeditie, begeleid door een jobcoach.",
        "Op dit moment niemand. Vorig jaar hadden we een proefplaatsing via het Werkgeversservicepunt.",
        "Drie statushouders werken bij ons als productiemedewerker, twee daarvan inmiddels in vaste dienst.",
        "Een medewerker uit het sociaal werkbedrijf werkt gedetacheerd bij ons in de schoonmaak en de kantine.",
    ),
    "banen_perspectief": (
        "Iedere nieuwe collega krijgt een vaste werkbegeleider en na een jaar een gesprek over een vast contract.",
        "Wij betalen een vakopleiding op mbo-niveau 2 en de jobcoach komt elke maand langs.",
        "Na een proefplaatsing van drie maanden bieden we een jaarcontract met uitzicht op vast.",
        "Taalles onder werktijd en een maatje op de werkvloer; twee mensen zijn doorgegroeid naar meewerkend voorman.",
    ),
    "leren_stages": (
        "Ieder jaar 2 BBL-leerlingen (niveau 2 en 3) en 3 stagiairs van het ROC.",
        "Eén stageplaats per jaar voor een mbo-student; we zijn erkend leerbedrijf.",
        "Vier stageplaatsen per jaar, vooral voor de opleidingen logistiek en administratie.",
        "Nog geen; de erkenning als leerbedrijf bij SBB is aangevraagd.",
    ),
    "leren_jongeren": (
        "We doen mee aan de techniekdag van de basisscholen in de wijk en geven rondleidingen.",
        "Twee keer per jaar een gastles op het vmbo over ons vak.",
        "Wij bieden snuffelstages aan voor leerlingen uit het tweede jaar van het vmbo.",
        "Onze monteurs helpen bij de jaarlijkse techniekweek van de gemeente.",
    ),
    "inkoop_nu": (
        "Onze catering en het drukwerk komen van een sociale onderneming in Dordrecht.",
        "De schoonmaak van ons kantoor doet het sociaal werkbedrijf; dat is ongeveer € 12.000 per jaar.",
        "Relatiegeschenken kopen we bij een leerwerkbedrijf; verder nog weinig.",
        "Groenonderhoud en de verpakking van onze producten besteden we uit aan een sociaal werkbedrijf.",
    ),
    "vrijwilligers_nu": (
        (
            "Op de laatste Beursvloer hebben we twee matches gemaakt: een opknapdag bij de voedselbank en advies "
            "voor een buurthuis."
        ),
        "Collega's zijn samen ongeveer 30 uur ingezet bij de sportvereniging en de kringloopwinkel.",
        "Wij hebben via de Beursvloer een middag workshops gegeven aan een stichting voor taalmaatjes.",
        "Twee medewerkers zitten in het bestuur van een wijkvereniging; verder nog geen vaste inzet.",
    ),
    "bijdrage_overig": (
        (
            "Wij sponsoren de jeugd van de plaatselijke voetbalvereniging en stellen onze kantine beschikbaar "
            "voor buurtoverleg."
        ),
        "Bij de jaarlijkse opschoondag in de wijk zijn we met het hele team aanwezig.",
        "We leveren materiaal voor een moestuinproject van een basisschool.",
        "Wij bieden een gratis spreekuur voor startende ondernemers in de binnenstad.",
    ),
}
# A first version is sent back when one theme was skipped.
SKIPPED_ANSWER = "nvt"
INVENTORY_FEEDBACK = {
    "banen_nu": "Bij goede banen staat alleen nvt. Wilt u beschrijven of er nu mensen met een afstand tot de "
    "arbeidsmarkt bij u werken, of hebben gewerkt? Ook een proefplaatsing telt mee.",
    "leren_stages": "Uw antwoord over stages en BBL is erg kort. Hoeveel plaatsen biedt u per jaar, en voor welke "
    "opleidingen? Dat helpt ons bij de inspiratiesessie.",
    "inkoop_nu": "Bij inkopen bij sociale ondernemingen staat alleen nvt. Wilt u aangeven wat u nu inkoopt en bij "
    "wie? Ook kleine bedragen tellen mee.",
    "vrijwilligers_nu": "Kunt u bij vrijwilligerswerk aangeven wat uw medewerkers het afgelopen jaar hebben gedaan, "
    "en ongeveer hoeveel uur?",
}

# Impact plan actions: (Drechts Doel number, description, measurable commitment, vague first wording).
ACTIONS = (
    (
        1,
        "Wij bieden BBL-plaatsen aan leerlingen uit de Drechtsteden, met een vaste leermeester.",
        "2 BBL-plaatsen per jaar",
        "Meer BBL-plaatsen aanbieden",
    ),
    (
        1,
        "Wij nemen mensen met een afstand tot de arbeidsmarkt in dienst, begeleid door een jobcoach.",
        "1 participatiebaan per jaar, met jobcoach",
        "Kijken naar participatiebanen",
    ),
    (
        1,
        "Wij kopen catering, schoonmaak en drukwerk in bij sociale ondernemingen uit de regio.",
        "€ 5.000 per jaar inkopen bij sociale ondernemingen",
        "Vaker sociaal inkopen",
    ),
    (
        2,
        "Onze medewerkers zetten zich in voor maatschappelijke organisaties via de Beursvloer van St MBO.",
        "40 uur vrijwilligerswerk per jaar via de Beursvloer",
        "Vrijwilligerswerk stimuleren",
    ),
    (
        1,
        "Wij bieden vrouwen met een migratieachtergrond een werkervaringsplaats met een taalmaatje.",
        "3 werkervaringsplaatsen per jaar",
        "Werkervaringsplaatsen bieden",
    ),
    (
        3,
        "Wij organiseren techniekmiddagen voor leerlingen van basisscholen en het vmbo.",
        "4 techniekmiddagen per schooljaar voor 25 leerlingen",
        "Techniek promoten bij jongeren",
    ),
    (
        2,
        "Wij stellen onze vergaderruimte gratis beschikbaar aan buurtorganisaties.",
        "12 dagdelen per jaar",
        "Ruimte beschikbaar stellen",
    ),
    (
        1,
        "Wij bieden stageplaatsen aan mbo-studenten, ook aan studenten die moeilijk een stage vinden.",
        "4 stageplaatsen per jaar",
        "Stagiairs aannemen",
    ),
    (
        3,
        "Wij leveren vakkennis aan een maatschappelijke organisatie via een match op de Beursvloer.",
        "1 match per jaar op de Beursvloer",
        "Meedoen aan de Beursvloer",
    ),
    (
        1,
        "Wij bieden jongeren zonder startkwalificatie een leerwerkplek met een vast contract na afronding.",
        "1 leerwerkplek per jaar met baangarantie",
        "Jongeren een kans geven",
    ),
    (
        2,
        "Wij steunen de sportvereniging in de wijk met materiaal en vrijwilligers.",
        "€ 2.500 per jaar en 2 vrijwilligersdagen",
        "Lokale verenigingen steunen",
    ),
)
PLAN_STATEMENTS = (
    "Wij kiezen voor acties die passen bij ons vak en onze mensen.",
    "Ons plan sluit aan op wat we in de inventarisatie al deden; we maken het nu meetbaar.",
    "Na de inspiratiesessie hebben we met het team gekozen waar we het verschil kunnen maken.",
    "",
)
# What listed partners say about their impact in the public directory (some say nothing).
IMPACT_STATEMENTS = (
    "Wij leiden elk jaar jongeren uit de Drechtsteden op via BBL-plekken, met een baan als ze slagen.",
    "We kopen bewust in bij sociale ondernemingen uit de regio en helpen mensen met afstand tot werk aan een baan.",
    "Onze medewerkers zetten zich als vrijwilliger in voor de wijk; via de Beursvloer koppelen we kennis aan "
    "maatschappelijke organisaties.",
    "Techniek promoten bij kinderen: we ontvangen schoolklassen in onze werkplaats.",
    "",
)
SESSION_PLACES = ("bij het bedrijf", "op het kantoor van St MBO", "online", "tijdens een bedrijfsbezoek")
SESSION_TOPICS = (
    "BBL-plaatsen en stages",
    "inkoop bij sociale ondernemingen",
    "de Beursvloer",
    "werkervaringsplaatsen",
    "techniekpromotie bij jongeren",
    "participatiebanen met jobcoach",
)
APPROVAL_NOTES = ("Mooi plan; succes met de uitvoering!", "Helder en meetbaar, dank u wel.", "")
LABEL_NOTES = (
    "Gefeliciteerd met het label!",
    "Van harte gefeliciteerd; wij zien uw resultaten graag terug bij de verlenging.",
    "",
)
RENEWAL_NOTES = ("Label verlengd; mooie resultaten.", "Verlengd. Dank voor de heldere toelichting.", "")
REVOKE_REASONS = (
    "Afspraken uit het impactplan niet nagekomen.",
    "Toegezegde BBL-plaatsen niet gerealiseerd; herhaalde herinneringen onbeantwoord.",
    "Afspraken uit het impactplan niet nagekomen; geen reactie op het verzoek om een herbeoordeling.",
)


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def agreement(rng: random.Random, signer: str, signed: date) -> str:
    return f"De partnerovereenkomst is op {long_date(signed)} getekend door {signer}, {rng.choice(SIGNERS)}."


AGREEMENT_FEEDBACK = (
    (
        "De handtekening van uw organisatie ontbreekt op de laatste pagina. Wilt u de volledig getekende "
        "overeenkomst opnieuw uploaden?"
    ),
    "De foto van de overeenkomst is niet goed leesbaar. Kunt u een scan of een scherpere foto uploaden?",
    "Vermeld in uw toelichting ook de functie van degene die heeft getekend.",
)


def answers(rng: random.Random) -> dict[str, str]:
    return {key: rng.choice(options) for key, options in ANSWERS.items()}


def session_note(rng: random.Random, contact_first_name: str) -> str:
    topics = rng.sample(SESSION_TOPICS, 2)
    return (
        f"Inspiratiesessie gehouden {rng.choice(SESSION_PLACES)} met {contact_first_name}. "
        f"Besproken: {topics[0]} en {topics[1]}."
    )


def plan_feedback(vague: str, measurable: str) -> str:
    return (
        f"Dank voor uw impactplan. De toezegging ‘{vague}’ is nog niet meetbaar. Maak er een concreet aantal "
        f"per jaar van, bijvoorbeeld ‘{measurable}’, en dien het plan daarna opnieuw in."
    )


def review(actions: list[tuple]) -> str:
    promised = "; ".join(commitment for _, _, commitment, _ in actions)
    return f"Wij vragen de beoordeling voor het label aan. Ons impactplan loopt: {promised}."


def renewal(rng: random.Random, actions: list[tuple]) -> str:
    done = "; ".join(commitment for _, _, commitment, _ in actions)
    extra = rng.choice(
        (
            "Dit jaar willen we er een actie aan toevoegen.",
            "We gaan op dezelfde voet verder.",
            "Een oud-BBL-leerling is inmiddels in vaste dienst.",
        )
    )
    return f"Verlenging van ons label. De afgelopen twee jaar hebben we onze toezeggingen gehaald: {done}. {extra}"
