"""Review with context: a new version shows the feedback that asked for it and a diff against the
version reviewed before; the organisation's page shows every step's versions; no page shows an
internal value (``staff_recorded``, ``changes_requested``) where a word belongs."""

from __future__ import annotations

import io
import re
from datetime import date

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import DrechtsDoel, StepKind, StepState
from impactnet.review import services as review
from tests import factories
from tests.helpers import login_client, statements
from tests.journey.helpers import PDF, answers, latest_submission, step_url

# Every value of the enums a staff or partner page could show (not the step keys: those are URLs).
INTERNAL_VALUES = [
    *(kind.value for kind in StepKind),
    "changes_requested",
    "not_started",
    "working_toward_label",
    "label_expired",
    "label_revoked",
    "municipality",
]


def _visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _staff(app, name="Sanne de Vries"):
    user = factories.UserFactory(role=Role.STAFF, name=name)
    client = app.test_client()
    login_client(client, user)
    return user, client


def _agreement_sent_back(partner, organisation, staff_user):
    """Version 1 of the agreement handed in and sent back with feedback; version 2 handed in."""
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    first = journey.submit(
        partner, organisation, "partnerovereenkomst", journey.StepInput("Getekend door J. Jansen\nNamens de directie")
    )
    review.request_changes(staff_user, first, "De handtekening van de directeur ontbreekt.")
    second = journey.submit(
        partner,
        organisation,
        "partnerovereenkomst",
        journey.StepInput("Getekend door P. Pietersen\nNamens de directie"),
    )
    db.session.commit()
    return first, second


def test_second_version_shows_the_feedback_that_asked_for_it_and_a_diff(app, login_as, path):
    partner = login_as(Role.PARTNER)
    staff_user, staff = _staff(app)
    _first, second = _agreement_sent_back(partner, partner.organisation, staff_user)
    assert second.number == 2 and second.state is StepState.SUBMITTED

    page = staff.get(f"/review/submissions/{second.id}").get_data(as_text=True)
    assert "Gevraagd bij versie 1" in page
    assert "De handtekening van de directeur ontbreekt." in page
    assert "Sanne de Vries" in page
    assert "Gewijzigd ten opzichte van de teruggestuurde versie 1" in page
    # Removed and added lines marked, with a word a screen reader reads out; the unchanged line plain.
    assert re.search(
        r"<del><span aria-hidden=\"true\">− </span><span class=\"visually-hidden\">verwijderd: </span>"
        r"Getekend door J. Jansen</del>",
        page,
    )
    assert re.search(
        r"<ins><span aria-hidden=\"true\">\+ </span><span class=\"visually-hidden\">toegevoegd: </span>"
        r"Getekend door P. Pietersen</ins>",
        page,
    )
    assert '<ins><span aria-hidden="true">+ </span><span class="visually-hidden">toegevoegd: </span>Namens' not in page
    # The feedback comes before the decision forms, so the reviewer reads it first.
    assert page.index("De handtekening van de directeur ontbreekt.") < page.index("Goedkeuren</h2>")


def test_first_version_shows_no_feedback_and_no_diff(app, login_as, path):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    _, staff = _staff(app)
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    first = journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput("Getekend"))
    db.session.commit()
    page = staff.get(f"/review/submissions/{first.id}").get_data(as_text=True)
    assert "Gewijzigd ten opzichte van" not in page and "Gevraagd bij versie" not in page
    assert "<ins>" not in page and "<del>" not in page and "Reactie van St MBO" not in page


def test_the_sent_back_version_shows_its_own_feedback_and_no_diff(app, login_as, path):
    partner = login_as(Role.PARTNER)
    staff_user, staff = _staff(app)
    first, _ = _agreement_sent_back(partner, partner.organisation, staff_user)
    page = staff.get(f"/review/submissions/{first.id}").get_data(as_text=True)
    assert "Gewijzigd ten opzichte van" not in page and "Gevraagd bij versie" not in page
    # Opened from the history, a decided version shows what St MBO answered on it.
    assert "Reactie van St MBO op versie 1" in page and "De handtekening van de directeur ontbreekt." in page


def _labelled(partner, organisation, staff_user):
    goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == 1))
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    review.approve(
        staff_user, journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput("Getekend"))
    )
    review.approve(
        staff_user,
        journey.submit(
            partner, organisation, "inventarisatie", journey.StepInput(answers={k[7:]: v for k, v in answers().items()})
        ),
    )
    review.record_staff_step(staff_user, organisation, "inspiratiesessie", "Sessie gehouden")
    action = journey.PlannedAction(goal.id, "BBL-plaatsen", "2 BBL-plaatsen per jaar", date(2027, 9, 1))
    review.approve(
        staff_user, journey.submit(partner, organisation, "impactplan", journey.StepInput(actions=(action,)))
    )
    review.approve(staff_user, journey.submit(partner, organisation, "beoordeling", journey.StepInput("Graag")))
    db.session.commit()


def test_a_renewal_still_shows_its_diff_against_the_approved_version(app, login_as, path):
    from dateutil.relativedelta import relativedelta

    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    staff_user, staff = _staff(app)
    _labelled(partner, organisation, staff_user)
    organisation.label_valid_until = local_today() + relativedelta(months=6)
    renewal = journey.submit(partner, organisation, "beoordeling", journey.StepInput("Graag verlengen"))
    db.session.commit()
    assert renewal.number == 2
    page = staff.get(f"/review/submissions/{renewal.id}").get_data(as_text=True)
    assert "Gewijzigd ten opzichte van de goedgekeurde versie 1" in page
    assert "</span>Graag verlengen</ins>" in page and "</span>Graag</del>" in page
    assert "Gevraagd bij versie" not in page


def test_org_pageshows_every_steps_versions_for_staff_only(app, client, login_as, path):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    staff_user, staff = _staff(app, name="Kees Reviewer")
    _agreement_sent_back(partner, organisation, staff_user)
    review.approve(staff_user, latest_submission(organisation, "partnerovereenkomst"), "Nu compleet")
    db.session.commit()

    page = staff.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    history = page[page.index('id="step-history-heading"') : page.index("<h2>Geschiedenis</h2>")]
    assert "Stap 1: Partnerovereenkomst" in history and "Stap 3: Inspiratiesessie" in history
    assert "versie 1" in history and "versie 2" in history
    assert "Aanpassing gevraagd" in history and "Goedgekeurd" in history
    assert "De handtekening van de directeur ontbreekt." in history and "Nu compleet" in history
    assert "Kees Reviewer" in history and partner.name in history
    assert "Nog niets ingediend." in history
    # The partner's own page has its timeline, not St MBO's table of reviews.
    assert 'id="step-history-heading"' not in client.get(f"/organisations/{organisation.id}").get_data(as_text=True)


def test_step_history_takes_the_same_queries_for_one_version_or_many(app, login_as, path):
    from impactnet.journey.history import step_history

    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    staff_user = factories.UserFactory(role=Role.STAFF)
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    review.approve(staff_user, journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput("v1")))
    db.session.commit()
    db.session.expire_all()
    assert organisation.id  # loaded again before counting
    with statements() as few:
        [v.decided_by.name for entry in step_history(organisation) for v in entry.versions]
    for number in range(2, 6):  # four more versions, each decided by another reviewer
        other = factories.UserFactory(role=Role.STAFF)
        review.request_changes(
            other,
            journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput(f"v{number}")),
            f"Nog niet {number}",
        )
    db.session.commit()
    db.session.expire_all()
    assert organisation.id
    with statements() as many:
        history = step_history(organisation)
        names = [(v.created_by.name, v.decided_by.name) for entry in history for v in entry.versions]
    assert len(names) == 5
    assert len(many) == len(few) == 2  # the versions with their people, and the steps


def test_no_page_or_mail_shows_an_internal_value(app, client, login_as, path, mailbox):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    staff_user, staff = _staff(app)
    first, second = _agreement_sent_back(partner, organisation, staff_user)
    admin = app.test_client()
    login_client(admin, factories.UserFactory(role=Role.ADMIN))
    factories.MunicipalityUserFactory(municipality=organisation.municipality)
    db.session.commit()
    pages = {
        "Stappen": staff.get("/path/"),
        **{f"Stappen: {key}": staff.get(f"/path/steps/{key}") for key in path},
        "review (second version)": staff.get(f"/review/submissions/{second.id}"),
        "review (first version)": staff.get(f"/review/submissions/{first.id}"),
        "review queue": staff.get("/review/"),
        "organisation (staff)": staff.get(f"/organisations/{organisation.id}"),
        "organisation (partner)": client.get(f"/organisations/{organisation.id}"),
        "step (partner)": client.get(step_url(organisation, "partnerovereenkomst")),
        "dashboard (partner)": client.get("/dashboard"),
        "accounts (admin)": admin.get("/admin/users"),
        "dashboard (staff)": staff.get("/dashboard"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = _visible_text(response.get_data(as_text=True))
        for value in INTERNAL_VALUES:
            assert not re.search(rf"\b{value}\b", text), f"{value!r} shown on {name}"
    # The downloads for people (the open-data /directory.csv keeps its documented machine names).
    slug = organisation.municipality.slug
    for url in [
        "/regions.csv",
        f"/municipalities/{slug}/series.csv",
        *(f"/municipalities/{slug}/tables/{name}.csv" for name in ("new", "funnel", "sectors", "sizes", "targets")),
    ]:
        response = staff.get(url)
        assert response.status_code == 200, url
        for value in INTERNAL_VALUES:
            assert not re.search(rf"\b{value}\b", response.get_data(as_text=True)), f"{value!r} in {url}"
    assert len(mailbox) >= 1  # the decision mail that sent version 1 back
    for message in mailbox:
        for part in message.walk():
            if part.get_content_maintype() == "text":
                text = _visible_text(part.get_content())
                for value in INTERNAL_VALUES:
                    assert not re.search(rf"\b{value}\b", text), f"{value!r} in the mail {message['Subject']!r}"
    stappen = _visible_text(pages["Stappen"].get_data(as_text=True))
    assert "Vastgelegd door St MBO" in stappen and "Toelichting en bestanden" in stappen
    assert "Gemeente (alleen inzien)" in _visible_text(pages["accounts (admin)"].get_data(as_text=True))


def test_words_are_english_on_english_pages(app, login_as, path):
    partner = login_as(Role.PARTNER)
    staff_user, staff = _staff(app)
    _, second = _agreement_sent_back(partner, partner.organisation, staff_user)
    english = {"Accept-Language": "en"}
    stappen = _visible_text(staff.get("/path/", headers=english).get_data(as_text=True))
    assert "Recorded by St MBO" in stappen and "Vastgelegd door St MBO" not in stappen
    review_page = _visible_text(staff.get(f"/review/submissions/{second.id}", headers=english).get_data(as_text=True))
    assert (
        "Asked for in version 1" in review_page
        and "Changes compared with version 1, which was sent back" in review_page
    )
    assert "added:" in review_page and "removed:" in review_page
    org_page = _visible_text(
        staff.get(f"/organisations/{partner.organisation.id}", headers=english).get_data(as_text=True)
    )
    assert "History per step" in org_page and "Changes requested" in org_page
