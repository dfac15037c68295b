"""The staff's to-do overview: each count right, and each link leading to a list with those
organisations (and no others)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey.models import StepState as S
from impactnet.mail.models import MailStatus, OutboxMail
from impactnet.organisations.models import IdentityChange
from impactnet.organisations.models import OrganisationStatus as Org
from tests.review.todo_helpers import ORDER, at_step

BEFORE_SESSION = ORDER[:2]
THROUGH_SESSION = ORDER[:3]


def _count(page: str, block: str) -> int:
    found = re.search(rf'id="todo-{block}"><span class="todo-count">(\d+)</span>', page)
    assert found, f"no block {block}"
    return int(found.group(1))


def _link(page: str, block: str) -> str:
    return re.search(rf'<a href="([^"]+)" id="todo-{block}">', page).group(1)


@pytest.fixture
def staff_page(client, login_as):
    def _page():
        login_as(Role.STAFF)
        response = client.get("/dashboard")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return _page


def test_waiting_for_the_inspiration_session_counts_and_lists_those_whose_earlier_steps_are_approved(
    client, staff_page, path, dordrecht
):
    at_step(dordrecht, path, "Wacht Op Sessie B.V.", BEFORE_SESSION, days_ago=12)
    at_step(dordrecht, path, "Sessie Gehad B.V.", THROUGH_SESSION, days_ago=3)
    at_step(dordrecht, path, "Nog Bezig B.V.", ORDER[:1], current=("inventarisatie", S.SUBMITTED))
    at_step(dordrecht, path, "Afgemeld B.V.", BEFORE_SESSION, status=Org.WITHDRAWN)
    page = staff_page()
    assert _count(page, "staff-step") == 1 and "(Inspiratiesessie)" in page
    assert _link(page, "staff-step") == "/todo/staff-step"
    listed = client.get("/todo/staff-step").get_data(as_text=True)
    assert "Wacht Op Sessie B.V." in listed and "12 dagen" in listed and "Inspiratiesessie" in listed
    for other in ("Sessie Gehad", "Nog Bezig", "Afgemeld"):
        assert other not in listed


def test_the_queue_filtered_on_the_session_says_staff_record_it_and_links_to_the_list(
    client, login_as, path, dordrecht
):
    login_as(Role.STAFF)
    page = client.get("/review/?step=inspiratiesessie").get_data(as_text=True)
    assert "St MBO legt hem vast" in page and 'href="/todo/staff-step"' in page
    assert "St MBO legt hem vast" not in client.get("/review/?step=impactplan").get_data(as_text=True)


def test_stalled_is_longer_than_the_steps_reminder_interval_on_the_organisations_own_step(
    client, staff_page, path, dordrecht
):
    at_step(dordrecht, path, "Concept Te Lang B.V.", THROUGH_SESSION, days_ago=50, current=("impactplan", S.DRAFT))
    at_step(dordrecht, path, "Concept Vers B.V.", THROUGH_SESSION, days_ago=10, current=("impactplan", S.DRAFT))
    at_step(dordrecht, path, "Niet Begonnen B.V.", THROUGH_SESSION, days_ago=46)  # impactplan: 45 days
    at_step(dordrecht, path, "Nooit Begonnen B.V.", created_days_ago=15)  # partnerovereenkomst: 14 days
    at_step(dordrecht, path, "Wacht Op Ons B.V.", BEFORE_SESSION, days_ago=200)  # staff step: not stalled
    at_step(
        dordrecht,
        path,
        "Afgemeld B.V.",
        THROUGH_SESSION,
        days_ago=50,
        current=("impactplan", S.DRAFT),
        status=Org.WITHDRAWN,
    )
    page = staff_page()
    assert _count(page, "stalled") == 3
    listed = client.get(_link(page, "stalled")).get_data(as_text=True)
    for name in ("Concept Te Lang", "Niet Begonnen", "Nooit Begonnen"):
        assert name in listed
    for name in ("Concept Vers", "Wacht Op Ons", "Afgemeld"):
        assert name not in listed
    assert listed.index("Concept Te Lang") < listed.index("Niet Begonnen") < listed.index("Nooit Begonnen")


def test_labels_expiring_within_90_days_and_renewals_under_way(client, staff_page, path, dordrecht):
    today = local_today()
    at_step(dordrecht, path, "Verloopt Snel B.V.", status=Org.LABELLED, label_valid_until=today + timedelta(days=30))
    at_step(dordrecht, path, "Verloopt Vandaag B.V.", status=Org.LABELLED, label_valid_until=today)
    at_step(dordrecht, path, "Nog Lang Geldig B.V.", status=Org.LABELLED, label_valid_until=today + timedelta(days=91))
    at_step(
        dordrecht,
        path,
        "Al Verlopen B.V.",
        status=Org.LABEL_EXPIRED,
        label_valid_until=today - timedelta(days=1),
        approved=ORDER[:4],
        current=("beoordeling", S.SUBMITTED),
    )
    at_step(
        dordrecht,
        path,
        "Verlengt B.V.",
        status=Org.LABELLED,
        label_valid_until=today + timedelta(days=200),
        approved=ORDER[:4],
        current=("beoordeling", S.DRAFT),
    )
    at_step(dordrecht, path, "Eerste Keer B.V.", approved=ORDER[:4], current=("beoordeling", S.SUBMITTED))
    page = staff_page()
    assert _count(page, "expiring") == 2 and "labels verlopen binnen 90 dagen" in page
    expiring = client.get(_link(page, "expiring")).get_data(as_text=True)
    assert expiring.index("Verloopt Vandaag") < expiring.index("Verloopt Snel") and "30 dagen" in expiring
    assert "Nog Lang Geldig" not in expiring and "Al Verlopen" not in expiring
    assert _count(page, "renewing") == 2
    renewing = client.get(_link(page, "renewing")).get_data(as_text=True)
    assert "Al Verlopen" in renewing and "Verlengt" in renewing and "Eerste Keer" not in renewing


def test_submissions_identity_changes_and_failed_mails(client, staff_page, path, dordrecht):
    first = at_step(dordrecht, path, "Oudste Inzending B.V.", current=("partnerovereenkomst", S.SUBMITTED), days_ago=9)
    at_step(dordrecht, path, "Nieuwe Inzending B.V.", current=("partnerovereenkomst", S.SUBMITTED), days_ago=1)
    at_step(dordrecht, path, "Afgemeld B.V.", current=("partnerovereenkomst", S.SUBMITTED), status=Org.WITHDRAWN)
    db.session.add(
        IdentityChange(
            organisation_id=first.id,
            old_kvk_number=first.kvk_number,
            old_name=first.name,
            new_kvk_number="99999999",
            new_name="Nieuwe Naam B.V.",
        )
    )
    for n, status in enumerate((MailStatus.FAILED, MailStatus.FAILED, MailStatus.SENT)):
        db.session.add(
            OutboxMail(
                dedupe_key=f"m{n}",
                kind="test",
                to_address="x@example.nl",
                subject="Onderwerp",
                body_text="Tekst",
                body_html="",
                status=status,
            )
        )
    db.session.commit()
    page = staff_page()
    assert _count(page, "submissions") == 2 and _link(page, "submissions") == "/review/"
    assert page.index("Oudste Inzending") < page.index("Nieuwe Inzending") and "9 dagen" in page
    assert "nog niemand" in page and "Afgemeld B.V." not in page
    assert _count(page, "identity-changes") == 1 and _link(page, "identity-changes") == "/review/#identity-changes"
    assert _count(page, "failed-mails") == 2 and _link(page, "failed-mails") == "/outbox"
    assert "Aantallen per gemeente" in page  # the network's counts stay below the to-do list


def test_an_empty_network_shows_zeros_and_an_unknown_list_is_404(client, staff_page, path):
    page = staff_page()
    for block in ("submissions", "staff-step", "stalled", "expiring", "renewing", "identity-changes", "failed-mails"):
        assert _count(page, block) == 0
    assert "Niets te beoordelen." in page
    assert client.get("/todo/bestaat-niet").status_code == 404
    assert "Niemand op deze lijst." in client.get("/todo/stalled").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MUNICIPALITY])
def test_partners_and_viewers_see_no_to_do_lists(client, login_as, path, role):
    login_as(role)
    for kind in ("staff-step", "stalled", "expiring", "renewing"):
        assert client.get(f"/todo/{kind}").status_code == 403
    assert "todo-count" not in client.get("/dashboard", follow_redirects=True).get_data(as_text=True)
