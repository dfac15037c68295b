"""Hostile input on every form and parameter: a Dutch message and a 4xx, never a 500,
and nothing half-saved."""

from __future__ import annotations

import pytest

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditEvent
from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.regions.models import Municipality, Target
from tests import factories
from tests.helpers import count, register_and_sign_in, registration_data

LONG = "x" * 5000
SCRIPT = "<script>alert('xss')</script>"

REGISTRATION_CASES = [
    ({"kvk_number": "1234567"}, "Een KvK-nummer bestaat uit precies 8 cijfers."),
    ({"kvk_number": "123456789"}, "Een KvK-nummer bestaat uit precies 8 cijfers."),
    ({"kvk_number": "abcdefgh"}, "Een KvK-nummer bestaat uit precies 8 cijfers."),
    ({"kvk_number": "１２３４５６７８"}, "Een KvK-nummer bestaat uit precies 8 cijfers."),
    ({"kvk_number": "12345678' OR '1'='1"}, "Een KvK-nummer bestaat uit precies 8 cijfers."),
    ({"kvk_number": None}, "Vul het KvK-nummer in."),
    ({"name": None}, "Vul de naam van de organisatie in."),
    ({"name": "   "}, "Vul de naam van de organisatie in."),
    ({"name": LONG}, "Veld mag niet langer zijn dan 200 karakters."),
    ({"postcode": "0123 AB"}, "Vul een Nederlandse postcode in"),
    ({"postcode": "3311 SS"}, "Vul een Nederlandse postcode in"),
    ({"postcode": SCRIPT}, "Vul een Nederlandse postcode in"),
    ({"email": "geen-email"}, "Vul een geldig e-mailadres in"),
    ({"email": "a@b.nl" + "x" * 300}, "Dit e-mailadres is te lang."),
    ({"email": None}, "Vul uw e-mailadres in."),
    ({"website": "javascript:alert(1)"}, "Vul een volledig webadres in"),
    ({"website": "http://[::1"}, "Vul een volledig webadres in"),
    ({"municipality_id": "abc"}, "Gemeente van vestiging"),
    ({"municipality_id": "999999"}, "Gemeente van vestiging"),
    ({"sector": "hacker"}, "Sector"),
    ({"size_class": "-1"}, "Aantal medewerkers"),
    ({"password": "kort", "password_repeat": "kort"}, "Een wachtwoord heeft 10 tot 128 tekens."),
    ({"password": "p" * 129, "password_repeat": "p" * 129}, "Een wachtwoord heeft 10 tot 128 tekens."),
    ({"password_repeat": "iets-anders-123"}, "De wachtwoorden zijn niet gelijk."),
    ({"accept_terms": None}, "Geef akkoord om u aan te melden."),
    ({"contact_name": None}, "Vul uw naam in."),
]


@pytest.mark.parametrize("overrides,message", REGISTRATION_CASES)
def test_bad_registration_is_refused_with_a_dutch_message(client, dordrecht, mailbox, overrides, message):
    response = client.post("/register", data=registration_data(dordrecht, **overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Controleer het formulier" in page
    assert count(Organisation) == count(User) == count(AuditEvent) == 0
    assert mailbox == []


def test_script_tags_and_unicode_are_stored_as_text_and_escaped(client, dordrecht, mailbox):
    data = registration_data(dordrecht, name=SCRIPT + " Café Ünïcödé 🌱", contact_name="Zoë <b>ter</b> Horst")
    register_and_sign_in(client, mailbox, data)
    organisation = Organisation.query.one()
    assert organisation.name == SCRIPT + " Café Ünïcödé 🌱"
    page = client.get("/dashboard").get_data(as_text=True)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt; Café Ünïcödé 🌱" in page


def test_nul_characters_anywhere_give_400(client, dordrecht, login_as):
    assert client.post("/register", data=registration_data(dordrecht, name="A\x00B")).status_code == 400
    assert client.post("/login", data={"email": "a\x00@example.nl", "password": "x" * 12}).status_code == 400
    login_as(Role.STAFF)
    assert client.get("/municipalities/dord%00recht").status_code == 400
    assert client.get("/organisations/?municipality=%00").status_code == 400
    assert count(Organisation) == 0


def test_oversized_form_is_refused_with_413(app, client, dordrecht, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100_000)
    response = client.post("/register", data=registration_data(dordrecht, name="x" * 200_000))
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)
    assert count(Organisation) == 0


@pytest.mark.parametrize(
    "email,password",
    [
        ("", ""),
        ("' OR 1=1 --", "x"),
        (LONG, LONG),
        ("a@example.nl", "p" * 500),
        (SCRIPT, SCRIPT),
    ],
)
def test_login_with_junk_never_errors_and_signs_no_one_in(client, email, password):
    factories.UserFactory(email="a@example.nl")
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code in (401, 422)
    page = response.get_data(as_text=True)
    assert SCRIPT not in page
    assert "Controleer" in page or "klopt niet" in page  # the form says what is wrong, in Dutch
    assert client.get("/dashboard").status_code == 302  # still signed out: to the sign-in page


@pytest.mark.parametrize("token", ["x", "a" * 5000, "../../etc/passwd", "%2e%2e%2f", SCRIPT])
def test_junk_tokens_in_links_give_400_and_change_no_account(client, token):
    user = factories.UserFactory(email_verified_at=None)
    before = (user.email_verified_at, user.password_hash)
    for prefix in ("/verify-email/", "/reset-password/", "/invitation/"):
        response = client.get(prefix + token)
        assert response.status_code in (400, 404), prefix + token
        assert SCRIPT not in response.get_data(as_text=True)
    db.session.expire_all()
    assert (user.email_verified_at, user.password_hash) == before
    assert count(AuditEvent) == 0


@pytest.mark.parametrize(
    "query,message",
    [
        ("status=hacked", "Kies een status uit de lijst."),
        ("municipality=nowhere", "Deze gemeente kennen we niet."),
        ("page=abc", "moet een geheel getal zijn van 1 tot en met 100000."),
        ("page=-1", "moet een geheel getal zijn van 1 tot en met 100000."),
        ("page=99999999999999999999", "moet een geheel getal zijn van 1 tot en met 100000."),
        ("status=" + "x" * 3000, "Kies een status uit de lijst."),
        ("q=" + "x" * 3000, "Zoek op hoogstens 100 tekens."),
        ("q=%1b%5b2J", "De zoekterm bevat tekens die niet in een naam, KvK-nummer, e-mailadres of postcode voorkomen."),
        ("sort=name%20desc", "Op deze kolom kunt u niet sorteren."),
        ("dir=up", "Sorteer oplopend of aflopend."),
        ("step=..%2F..", "Kies een stap uit de lijst."),
        ("waiting=1", "Kies bij ‘Wacht op’ de partner of St MBO."),
        ("expiry=-1", "Kies bij ‘Label verloopt’ een termijn uit de lijst."),
    ],
)
def test_staff_list_filters_reject_junk_with_a_dutch_message(client, login_as, query, message):
    login_as(Role.STAFF)
    response = client.get("/organisations/?" + query)
    assert response.status_code == 400, query
    assert message in response.get_data(as_text=True).replace("&#39;", "'"), query


@pytest.mark.parametrize(
    "data,message",
    [
        ({"year": "abc", "partners_wanted": "1", "labelled_wanted": "1"}, "Ongeldig getal."),
        ({"year": "1900", "partners_wanted": "1", "labelled_wanted": "1"}, "Vul een jaar tussen 2020 en 2100 in."),
        ({"year": "2026", "partners_wanted": "-5", "labelled_wanted": "0"}, "Vul een aantal van 0 of meer in."),
        (
            {"year": "2026", "partners_wanted": "10", "labelled_wanted": "20"},
            "kan niet hoger zijn dan het aantal partners",
        ),
        ({"year": "2026", "partners_wanted": "9" * 30, "labelled_wanted": "1"}, "Vul een aantal van 0 of meer in."),
    ],
)
def test_target_form_rejects_bad_numbers(client, login_as, dordrecht, data, message):
    login_as(Role.STAFF)
    response = client.post("/municipalities/dordrecht/targets", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Target) == 0


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "Papendrecht", "slug": "Papen drecht!", "joined_on": "2025-06-01"}, "Gebruik alleen kleine letters"),
        ({"name": "Papendrecht", "slug": "papendrecht", "joined_on": "gisteren"}, "Vul een geldige datum in."),
        ({"name": "Dordrecht", "slug": "dordrecht-2", "joined_on": "2025-06-01"}, "al in gebruik"),
        ({"name": "", "slug": "", "joined_on": ""}, "Vul de naam in."),
        ({"name": LONG, "slug": "p", "joined_on": "2025-06-01"}, "Veld mag niet langer zijn dan 100 karakters."),
    ],
)
def test_municipality_form_rejects_bad_input(client, login_as, dordrecht, data, message):
    login_as(Role.STAFF)
    response = client.post("/municipalities/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Municipality) == 1


def test_partner_cannot_move_own_organisation_to_an_unknown_municipality(client, login_as):
    user = login_as(Role.PARTNER)
    organisation = user.organisation
    municipality_id = organisation.municipality_id
    data = registration_data(organisation.municipality, kvk_number=organisation.kvk_number, municipality_id="424242")
    response = client.post(f"/organisations/{organisation.id}/edit", data=data)
    assert response.status_code == 422
    assert "Controleer het formulier" in response.get_data(as_text=True)
    db.session.expire_all()
    assert organisation.municipality_id == municipality_id


def test_partner_cannot_take_another_organisations_kvk(client, login_as, dordrecht):
    factories.OrganisationFactory(kvk_number="87654321", municipality=dordrecht)
    user = login_as(Role.PARTNER)
    data = registration_data(dordrecht, kvk_number="87654321")
    kvk_number = user.organisation.kvk_number
    response = client.post(f"/organisations/{user.organisation.id}/edit", data=data)
    assert response.status_code == 422
    assert "hoort al bij een andere organisatie" in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.organisation.kvk_number == kvk_number
