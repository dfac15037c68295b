"""St MBO's organisation search: search, filters, sort, pages, hostile parameters and query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepState, StepSubmission
from impactnet.organisations.models import OrganisationStatus
from tests import factories
from tests.helpers import statements


def done(organisation, *steps, submitted=None):
    """Approve ``steps`` of ``organisation`` (and hand in ``submitted``), as the journey would."""
    for step in steps:
        progress = StepProgress(organisation_id=organisation.id, step_id=step.id, state=StepState.APPROVED)
        progress.submissions.append(StepSubmission(number=1, state=StepState.APPROVED))
        db.session.add(progress)
    if submitted is not None:
        progress = StepProgress(organisation_id=organisation.id, step_id=submitted.id, state=StepState.SUBMITTED)
        progress.submissions.append(StepSubmission(number=1, state=StepState.SUBMITTED))
        db.session.add(progress)
    db.session.commit()


def names(client, query: str = "") -> list[str]:
    response = client.get("/organisations/" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    body = page.split("<tbody", 1)[1]
    return re.findall(r'<a href="/organisations/\d+">([^<]+)</a>', body)


@pytest.fixture
def network(dordrecht, zwijndrecht, path):
    today = local_today()
    f = factories.OrganisationFactory
    orgs = {
        "bakker": f(
            name="Bakkerij De Molen",
            kvk_number="01234567",
            municipality=dordrecht,
            postcode="3311 AB",
            sector="horeca",
            size_class="2-9",
            status=OrganisationStatus.APPLICANT,
        ),
        "bouw": f(
            name="Bouwbedrijf Zwijn",
            kvk_number="87654321",
            municipality=zwijndrecht,
            postcode="3331 KL",
            sector="bouw",
            size_class="50-249",
            status=OrganisationStatus.WORKING_TOWARD_LABEL,
        ),
        "label": f(
            name="Labelhouder 100% B.V.",
            kvk_number="55555555",
            municipality=dordrecht,
            postcode="3312 CD",
            sector="zorg",
            size_class="250+",
            status=OrganisationStatus.LABELLED,
            label_awarded_on=today - timedelta(days=700),
            label_valid_until=today + timedelta(days=20),
        ),
        "oud": f(
            name="Oud_Label",
            kvk_number="44444444",
            municipality=dordrecht,
            sector="ict",
            size_class="1",
            status=OrganisationStatus.LABELLED,
            label_awarded_on=today - timedelta(days=800),
            label_valid_until=today - timedelta(days=5),
        ),
    }
    factories.PartnerUserFactory(organisation=orgs["bakker"], email="Anna.Bakker@molen.example.nl", name="Anna")
    factories.PartnerUserFactory(organisation=orgs["bouw"], email="info@zwijn.example.nl", name="Bert")
    done(orgs["bouw"], path["partnerovereenkomst"], path["inventarisatie"])  # waits for the Inspiratiesessie
    done(orgs["label"], *path.values())
    done(
        orgs["oud"],
        path["partnerovereenkomst"],
        path["inventarisatie"],
        path["inspiratiesessie"],
        path["impactplan"],
        submitted=path["beoordeling"],
    )  # a renewal handed in
    return orgs


@pytest.fixture
def staff(login_as):
    return login_as(Role.STAFF)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?q=molen", ["Bakkerij De Molen"]),
        ("?q=MOLEN", ["Bakkerij De Molen"]),
        ("?q=bakkerij+de", ["Bakkerij De Molen"]),
        ("?q=8765+4321", ["Bouwbedrijf Zwijn"]),  # a KvK number typed with a space
        ("?q=8765.4321", ["Bouwbedrijf Zwijn"]),
        ("?q=1234567", ["Bakkerij De Molen"]),  # the leading zero dropped by a spreadsheet
        ("?q=3331kl", ["Bouwbedrijf Zwijn"]),  # a postcode without its space, in small letters
        ("?q=3331+KL", ["Bouwbedrijf Zwijn"]),
        ("?q=3312", ["Labelhouder 100% B.V."]),
        ("?q=anna.bakker@MOLEN", ["Bakkerij De Molen"]),  # a contact's address, any case, partly
        ("?q=zwijn.example", ["Bouwbedrijf Zwijn"]),
        ("?q=%25", ["Labelhouder 100% B.V."]),  # "%" is a character, not "anything"
        ("?q=_", ["Oud_Label"]),  # and so is "_"
        ("?q=%5C", []),  # a backslash
        ("?q=niemand", []),
    ],
)
def test_search_finds_by_name_kvk_postcode_and_email(client, staff, network, query, expected):
    assert names(client, query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?municipality=zwijndrecht", ["Bouwbedrijf Zwijn"]),
        ("?status=applicant", ["Bakkerij De Molen"]),
        ("?status=labelled", ["Labelhouder 100% B.V."]),
        ("?status=label_expired", ["Oud_Label"]),  # past its end date, before the nightly scan
        ("?step=partnerovereenkomst", ["Bakkerij De Molen"]),
        ("?step=inspiratiesessie", ["Bouwbedrijf Zwijn"]),
        ("?waiting=stmbo", ["Bouwbedrijf Zwijn", "Oud_Label"]),  # the session to record; a renewal to decide
        ("?waiting=partner", ["Bakkerij De Molen"]),  # "Labelhouder": every step done, nobody waits
        ("?sector=zorg", ["Labelhouder 100% B.V."]),
        ("?size=2-9", ["Bakkerij De Molen"]),
        ("?expiry=30", ["Labelhouder 100% B.V."]),
        ("?expiry=expired", ["Oud_Label"]),
        ("?municipality=dordrecht&sector=horeca&q=molen", ["Bakkerij De Molen"]),
        ("?municipality=zwijndrecht&sector=horeca", []),
    ],
)
def test_filters(client, staff, network, query, expected):
    assert names(client, query) == expected


B, Z, L, O = "Bakkerij De Molen", "Bouwbedrijf Zwijn", "Labelhouder 100% B.V.", "Oud_Label"  # noqa: E741 - the names' initials


@pytest.mark.parametrize(
    "sort, ascending, descending",
    [
        ("name", [B, Z, L, O], [O, L, Z, B]),
        ("kvk", [B, O, L, Z], [Z, L, O, B]),
        ("municipality", [B, L, O, Z], [Z, B, L, O]),  # equal values by name
        ("status", [B, Z, L, O], [O, L, Z, B]),  # as shown: Oud_Label's label has expired
        ("step", [B, Z, O, L], [O, Z, B, L]),  # every step done (no current step) last, both ways
        ("waiting", [B, Z, O, L], [Z, O, B, L]),  # nobody waits: last
        ("sector", [Z, B, O, L], [L, O, B, Z]),  # by the sector's name: Bouw, Horeca, ICT, Zorg
        ("size", [O, B, Z, L], [L, Z, B, O]),
        ("expiry", [O, L, B, Z], [L, O, B, Z]),  # no label: last
        ("registered", [B, Z, L, O], [O, L, Z, B]),
    ],
)
def test_sort_by_each_column_both_ways(client, staff, network, sort, ascending, descending):
    assert names(client, f"?sort={sort}") == ascending
    assert names(client, f"?sort={sort}&dir=asc") == ascending
    assert names(client, f"?sort={sort}&dir=desc") == descending


def test_a_label_without_an_end_date_counts_as_labelled(client, staff, dordrecht):
    factories.OrganisationFactory(
        name="Zonder Einddatum",
        municipality=dordrecht,
        status=OrganisationStatus.LABELLED,
        label_awarded_on=local_today(),
    )
    assert names(client, "?status=labelled") == ["Zonder Einddatum"]
    assert names(client, "?status=label_expired") == []


def test_sorted_column_says_so_to_screen_readers_and_links_keep_the_filters(client, staff, network):
    page = client.get("/organisations/?sort=kvk&dir=desc&sector=bouw").get_data(as_text=True)
    header = re.search(r'<th[^>]*aria-sort="descending"[^>]*>\s*<a href="([^"]+)">KvK-nummer', page)
    assert header is not None
    link = header[1].replace("&amp;", "&")
    assert "sort=kvk" in link and "dir=" not in link and "sector=bouw" in link  # ascending: the default
    assert page.count("aria-sort=") == 1


def test_fifty_a_page_with_total_and_filters_kept(client, staff, dordrecht, zwijndrecht):
    factories.OrganisationFactory.create_batch(55, municipality=dordrecht, status=OrganisationStatus.PARTNER)
    factories.OrganisationFactory(municipality=zwijndrecht, name="Zwijndrechtse Zaak")
    page = client.get("/organisations/?municipality=dordrecht&sort=kvk").get_data(as_text=True)
    assert "55 organisaties gevonden" in page and "Pagina 1 van 2" in page
    assert page.count('<tr role="row"><td') == 50
    following = re.search(r'<a href="([^"]+)">Volgende', page)[1].replace("&amp;", "&")
    assert "municipality=dordrecht" in following and "sort=kvk" in following and "page=2" in following
    second = client.get(following).get_data(as_text=True)
    assert second.count('<tr role="row"><td') == 5 and "Zwijndrechtse Zaak" not in second
    assert client.get("/organisations/?municipality=dordrecht&page=3").status_code == 404


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("?q=" + "a" * 101, "q"),
        ("?q=ab%1bcd", "q"),
        ("?page=-1", "page"),
        ("?page=0", "page"),
        ("?page=abc", "page"),
        ("?page=99999999999999999999", "page"),
        ("?page=%D9%A3", "page"),  # an Arabic-Indic digit
        ("?sort=unknown", "sort"),
        ("?sort=name;DROP+TABLE+organisations", "sort"),
        ("?dir=sideways", "dir"),
        ("?status=labelled'--", "status"),
        ("?municipality=atlantis", "municipality"),
        ("?step=nope", "step"),
        ("?waiting=everyone", "waiting"),
        ("?sector=%25", "sector"),
        ("?size=999", "size"),
        ("?expiry=7", "expiry"),
        ("?manager=abc", "manager"),
        ("?manager=0", "manager"),
    ],
)
def test_hostile_parameters_get_a_dutch_message_and_400(client, staff, network, query, parameter):
    response = client.get("/organisations/" + query)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary" role="alert"' in page
    assert 'name="q"' in page  # the form is there to correct it
    export = client.get("/organisations/export.csv" + query)
    assert export.status_code == 400


def test_filter_by_account_manager_or_none_and_only_staff_can_be_chosen(client, staff, network):
    colleague = factories.UserFactory(role=Role.STAFF, name="Ellen de Wit")
    partner = factories.PartnerUserFactory(organisation=network["bakker"])
    network["bouw"].account_manager_id = staff.id
    network["label"].account_manager_id = colleague.id
    db.session.commit()
    assert names(client, f"?manager={staff.id}") == ["Bouwbedrijf Zwijn"]
    assert names(client, f"?manager={colleague.id}") == ["Labelhouder 100% B.V."]
    assert names(client, "?manager=none") == ["Bakkerij De Molen", "Oud_Label"]
    page = client.get("/organisations/").get_data(as_text=True)
    assert f'<option value="{colleague.id}">Ellen de Wit</option>' in page
    refused = client.get(f"/organisations/?manager={partner.id}")  # not someone who can manage
    assert refused.status_code == 400 and "Kies een relatiebeheerder uit de lijst." in refused.get_data(as_text=True)


def test_a_nul_character_is_refused_before_the_search(client, staff, network):
    assert client.get("/organisations/?q=ab%00cd").status_code == 400  # the app-wide guard (core.guards)
    assert client.get("/organisations/export.csv?q=ab%00cd").status_code == 400


def test_sql_in_the_search_is_just_text(client, staff, network):
    assert names(client, "?q=%27+OR+1%3D1+--") == []
    assert names(client, "?q=molen%27%3B+DROP+TABLE+organisations%3B+--") == []
    assert names(client, "?q=molen") == ["Bakkerij De Molen"]


def test_the_typed_search_stays_in_the_form(client, staff, network):
    page = client.get("/organisations/?q=%3Cscript%3Ex&sector=bouw").get_data(as_text=True)
    assert 'value="&lt;script&gt;x"' in page and "<script>x" not in page
    assert '<option value="bouw" selected>' in page


def test_one_query_for_the_page_and_one_count_whatever_the_rows(client, staff, dordrecht, path):
    def organisation_queries(n_more: int) -> tuple[int, int]:
        for organisation in factories.OrganisationFactory.create_batch(n_more, municipality=dordrecht):
            factories.PartnerUserFactory(organisation=organisation)
            done(organisation, path["partnerovereenkomst"])
        with statements() as seen:
            assert client.get("/organisations/?q=bedrijf&sort=step").status_code == 200
        return len(seen), sum(1 for s in seen if re.search(r"FROM organisations\b", s))

    few = organisation_queries(3)
    many = organisation_queries(40)
    assert few[1] == many[1] == 2  # the page and its count
    assert few[0] == many[0]


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MUNICIPALITY])
def test_partners_and_viewers_are_refused(client, login_as, network, role):
    login_as(role)
    assert client.get("/organisations/?q=molen").status_code == 403
    assert client.get("/organisations/export.csv").status_code == 403
    assert client.get("/organisations/export.xlsx").status_code == 403


def test_visitors_are_sent_to_the_login(client, network):
    for url in ("/organisations/", "/organisations/export.csv", "/organisations/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_in_english_the_page_and_its_messages_are_english(client, staff, network):
    english = {"Accept-Language": "en"}
    page = client.get("/organisations/?q=molen", headers=english).get_data(as_text=True)
    assert "Current step" in page and "Waiting on" in page and "1 organisation found." in page
    refused = client.get("/organisations/?sort=evil", headers=english)
    assert refused.status_code == 400 and "&#39;sort&#39; must be one of" in refused.get_data(as_text=True)
