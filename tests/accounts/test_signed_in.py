"""The signed-in user is kept per process under the data version: no user row is read on a page
view, and any change to the user counts from the next request on, in every process."""

from __future__ import annotations

import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.accounts.sessions import end_all_sessions
from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from tests import factories
from tests.helpers import login_client, statements


def _user_reads(seen: list[str]) -> int:
    return sum(1 for statement in seen if "FROM users" in statement)


def _change_user(other_process, user_id: int, **values) -> None:
    """Change the user in another process (its own session and copies, the shared cache)."""
    with other_process.app_context():
        db.session.execute(sa.update(User).where(User.id == user_id).values(**values))
        db.session.commit()
    # The test's session is also its requests' session (they share the app context) and still holds
    # the user as it was; a server starts every request with a fresh session.
    db.session.expire_all()


def test_a_page_view_reads_no_user_row_once_the_user_is_kept(app, login_as):
    login_as(Role.STAFF)
    client = app.test_client()
    login_client(client, db.session.scalar(sa.select(User)))
    with statements() as first:
        assert client.get("/regions").status_code == 200
    with statements() as second:
        assert client.get("/regions").status_code == 200
    assert _user_reads(first) == 1 and _user_reads(second) == 0


def test_a_user_deactivated_in_another_process_is_signed_out_on_the_next_request(app, other_process, client, login_as):
    user = login_as(Role.STAFF)
    assert client.get("/dashboard").status_code == 200
    assert client.get("/dashboard").status_code == 200  # now from the copy
    _change_user(other_process, user.id, active=False)
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_ins_ended_in_another_process_end_on_the_next_request(app, other_process, client, login_as):
    user = login_as(Role.STAFF)
    assert client.get("/dashboard").status_code == 200
    with other_process.app_context():  # what a password change elsewhere does
        end_all_sessions(db.session.get(User, user.id))
        db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_a_viewer_moved_to_another_municipality_loses_the_old_one_on_the_next_request(
    app, other_process, client, login_as, dordrecht, zwijndrecht
):
    viewer = login_as(Role.MUNICIPALITY, municipality=dordrecht)
    assert client.get("/municipalities/dordrecht").status_code == 200
    assert client.get("/municipalities/zwijndrecht").status_code == 403
    _change_user(other_process, viewer.id, municipality_id=zwijndrecht.id)
    assert client.get("/municipalities/dordrecht").status_code == 403
    assert client.get("/municipalities/zwijndrecht").status_code == 200


def test_the_user_is_read_from_the_database_when_the_shared_cache_is_away(make_app):
    away = make_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL="redis://127.0.0.1:9/0")
    user = factories.UserFactory(role=Role.STAFF)
    client = away.test_client()
    login_client(client, user)
    user_id = user.id  # read here: inside ``away``'s context the test's session would borrow its pool
    with away.app_context():
        for _ in range(2):
            with statements() as seen:
                assert client.get("/dashboard").status_code == 200
            assert _user_reads(seen) == 1
        db.session.execute(sa.update(User).where(User.id == user_id).values(active=False))
        db.session.commit()
        assert client.get("/dashboard").status_code == 302


def _header(page: str) -> str:
    return page[page.index("<header") : page.index("</header>")]


def test_the_header_names_the_partners_organisation_without_a_query_and_a_new_name_from_the_next_request(
    app, other_process, dordrecht
):
    organisation = factories.OrganisationFactory(municipality=dordrecht, name="Bakkerij De Merwede")
    user = factories.PartnerUserFactory(organisation=organisation, name="Inge de Vries")
    organisation_id = organisation.id
    client = app.test_client()
    login_client(client, user)
    client.get("/verify")  # a page that writes nothing (a figures page may first compute its counters)
    db.session.expunge_all()  # a server starts every request with a fresh session
    with statements() as seen:
        header = _header(client.get("/verify").get_data(as_text=True))
    assert "Ingelogd als <strong>Inge de Vries</strong>, Bakkerij De Merwede" in header
    assert not any("FROM organisations" in statement or "FROM users" in statement for statement in seen), seen

    with other_process.app_context():  # staff rename the organisation
        db.session.execute(
            sa.update(Organisation).where(Organisation.id == organisation_id).values(name="Bakkerij Wantij")
        )
        db.session.commit()
    db.session.expunge_all()
    header = _header(client.get("/verify").get_data(as_text=True))
    assert ", Bakkerij Wantij" in header and "Merwede" not in header


def test_the_header_names_the_role_of_staff_admins_and_municipality_viewers(app, login_as, dordrecht):
    expected = {
        Role.STAFF: ", St MBO</p>",
        Role.ADMIN: ", St MBO (beheer)</p>",
        Role.MUNICIPALITY: ", gemeente Dordrecht</p>",
    }
    for role, text in expected.items():
        user = factories.UserFactory(
            role=role,
            name="",
            email=f"{role.value}@example.nl",
            **({"municipality": dordrecht} if role is Role.MUNICIPALITY else {}),
        )
        client = app.test_client()
        login_client(client, user)
        header = _header(client.get("/regions").get_data(as_text=True))
        # Without a name, the address says who it is.
        assert f"Ingelogd als <strong>{role.value}@example.nl</strong>{text}" in header, header


def test_a_visitors_header_names_no_one(client):
    assert "Ingelogd als" not in _header(client.get("/regions").get_data(as_text=True))
