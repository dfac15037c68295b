import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.journey.models import DrechtsDoel, JourneyStep


def test_staff_edit_a_step_text_and_reminder_interval(client, login_as, path):
    login_as(Role.STAFF)
    response = client.post(
        "/path/steps/inventarisatie",
        data={
            "title": "Inventarisatie",
            "explanation": "Nieuwe uitleg voor ondernemers.",
            "requirements": "Alle vragen.",
            "reminder_days": "21",
        },
    )
    assert response.status_code == 302
    step = db.session.scalar(sa.select(JourneyStep).where(JourneyStep.key == "inventarisatie"))
    assert step.explanation == "Nieuwe uitleg voor ondernemers." and step.reminder_days == 21
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.STEP_UPDATED))
    assert event.after == {
        "explanation": "Nieuwe uitleg voor ondernemers.",
        "requirements": "Alle vragen.",
        "reminder_days": 21,
    }


def test_staff_rename_a_placeholder_goal_which_then_appears_in_the_plan_form(app, client, login_as, path):
    login_as(Role.STAFF)
    assert (
        client.post(
            "/path/goals/2", data={"title": "Gezonde en groene stad", "description": "", "active": "y"}
        ).status_code
        == 302
    )
    goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == 2))
    assert goal.title == "Gezonde en groene stad"
    assert "DDD 2: Gezonde en groene stad" in client.get("/path/").get_data(as_text=True)


def _step_as_stored(key: str) -> tuple:
    db.session.expire_all()
    step = db.session.scalar(sa.select(JourneyStep).where(JourneyStep.key == key))
    return step.title, step.explanation, step.requirements, step.reminder_days


def test_step_form_rejects_bad_values_with_a_dutch_message_and_changes_nothing(client, login_as, path):
    login_as(Role.STAFF)
    before = _step_as_stored("inventarisatie")
    for data, message in (
        ({"title": "", "explanation": "x", "reminder_days": "10"}, "Vul een titel in."),
        ({"title": "T", "explanation": "x", "reminder_days": "0"}, "Kies 1 tot 365 dagen."),
        ({"title": "T", "explanation": "x", "reminder_days": "abc"}, "Ongeldig getal."),
    ):
        response = client.post("/path/steps/inventarisatie", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
        assert _step_as_stored("inventarisatie") == before, data
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.STEP_UPDATED)) is None
    assert client.get("/path/steps/bestaat-niet").status_code == 404
    assert client.get("/path/goals/9").status_code == 404


def test_staff_keep_english_texts_and_english_pages_show_them(client, login_as, path):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    english = {"Accept-Language": "en"}
    page = client.get(f"/organisations/{organisation.id}/steps/partnerovereenkomst", headers=english)
    html = page.get_data(as_text=True)
    assert "Step 1: Partner agreement" in html and "how you get the agreement" in html
    assert "Stap 1: Partnerovereenkomst" in client.get(
        f"/organisations/{organisation.id}/steps/partnerovereenkomst"
    ).get_data(as_text=True)

    login_as(Role.STAFF)
    assert (
        client.post(
            "/path/steps/inventarisatie",
            data={
                "title": "Inventarisatie",
                "explanation": "Uitleg.",
                "requirements": "",
                "title_en": "  ",
                "explanation_en": "",
                "requirements_en": "",
                "reminder_days": "30",
            },
        ).status_code
        == 302
    )
    step = db.session.scalar(sa.select(JourneyStep).where(JourneyStep.key == "inventarisatie"))
    assert step.title_en is None and step.explanation_en is None  # empty: English pages show the Dutch
    client.post(
        "/path/goals/2",
        data={
            "title": "Gezonde stad",
            "title_en": "Healthy city",
            "description": "",
            "description_en": "",
            "active": "y",
        },
    )
    assert "DDD 2: Healthy city" in client.get("/path/", headers=english).get_data(as_text=True)
    assert "DDD 2: Gezonde stad" in client.get("/path/").get_data(as_text=True)
    login_as(Role.PARTNER, organisation=organisation)
    overview = client.get("/dashboard", headers=english).get_data(as_text=True)
    assert "Partner agreement" in overview and ">Inventarisatie<" in overview  # no English title: the Dutch one
