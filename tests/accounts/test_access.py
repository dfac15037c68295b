"""The access policy's own rules (impactnet.accounts.access); every route against every role is
tests/test_access_matrix.py."""

from __future__ import annotations

import pytest
from flask import Flask

from impactnet.accounts.access import (
    ADMIN,
    EVERYONE,
    OWN_MUNICIPALITY_OR_STAFF,
    OWN_PARTNER,
    OWN_PARTNER_OR_STAFF,
    SIGNED_IN,
    STAFF,
    access,
    policy_for,
)
from impactnet.accounts.models import Role


@pytest.mark.parametrize(
    ("declared", "role", "owner", "admitted"),
    [
        (EVERYONE, None, True, True),
        (SIGNED_IN, None, True, False),
        (SIGNED_IN, Role.MUNICIPALITY, False, True),
        (STAFF, Role.PARTNER, True, False),
        (STAFF, Role.ADMIN, True, True),
        (ADMIN, Role.STAFF, True, False),
        (OWN_PARTNER_OR_STAFF, Role.PARTNER, True, True),
        (OWN_PARTNER_OR_STAFF, Role.PARTNER, False, False),  # another organisation's partner
        (OWN_PARTNER_OR_STAFF, Role.STAFF, False, True),  # St MBO may use any organisation's
        (OWN_PARTNER_OR_STAFF, Role.MUNICIPALITY, True, False),
        (OWN_MUNICIPALITY_OR_STAFF, Role.MUNICIPALITY, False, False),
        (OWN_PARTNER, Role.STAFF, True, False),
    ],
)
def test_who_a_policy_admits(declared, role, owner, admitted):
    assert declared.admits(role, owner=owner) is admitted


def test_an_organisations_routes_tell_other_roles_404_and_staff_403():
    assert OWN_PARTNER.refusal(Role.MUNICIPALITY) == 404
    assert OWN_PARTNER.refusal(Role.STAFF) == 403
    assert OWN_MUNICIPALITY_OR_STAFF.refusal(Role.PARTNER) == 403
    assert STAFF.refusal(Role.PARTNER) == 403


def test_a_view_keeps_its_declaration_per_method():
    @access(GET=OWN_PARTNER_OR_STAFF, POST=OWN_PARTNER)
    def view():
        return "ok"

    assert policy_for(view, "GET") is OWN_PARTNER_OR_STAFF
    assert policy_for(view, "POST") is OWN_PARTNER
    assert policy_for(view, "DELETE") is None
    assert policy_for(lambda: None, "GET") is None  # nothing declared


def test_one_policy_or_one_per_method_never_both():
    with pytest.raises(TypeError):
        access(STAFF, GET=STAFF)
    with pytest.raises(TypeError):
        access()


def test_the_check_runs_on_every_request(app, client, login_as):
    """Signed out: the login page; a role the route does not admit: its refusal; HEAD as GET."""
    login_as(Role.MUNICIPALITY)
    assert client.get("/review/").status_code == 403  # STAFF
    assert client.head("/review/").status_code == 403
    assert client.get("/organisations/1").status_code == 404  # OWN_PARTNER_OR_STAFF: a viewer learns nothing
    signed_out = app.test_client()
    response = signed_out.get("/review/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_method_without_a_policy_is_refused():
    app = Flask(__name__)

    @app.route("/x", methods=["GET", "POST"])
    @access(GET=EVERYONE)
    def x():
        return "ok"

    client = app.test_client()
    assert client.get("/x").status_code == 200
    assert client.post("/x").status_code == 405
