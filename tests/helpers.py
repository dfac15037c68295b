"""Small helpers for assertions."""

from __future__ import annotations

import re
from contextlib import contextmanager
from types import SimpleNamespace

import sqlalchemy as sa

from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.stats.definitions import by_part
from impactnet.stats.figures import figures
from tests.rollback import stands_in_for_a_transaction


def count(model, *where) -> int:
    query = sa.select(sa.func.count()).select_from(model)
    for condition in where:
        query = query.where(condition)
    return db.session.scalar(query)


def link_in(message, prefix: str) -> str:
    """The path of the first link in a mail's text part that starts with ``prefix``."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S+)", body)
    assert match, f"no {prefix} link in mail: {body}"
    return match.group(1)


def without_form_tokens(html: str) -> str:
    """A page with its CSRF tokens blanked: the token carries the second it was signed in, so two
    answers that are otherwise the same differ in it when they straddle a second."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", html)


def registration_data(municipality, **overrides) -> dict:
    """A valid self-registration form submission."""
    data = {
        "name": "Bakkerij De Merwede",
        "kvk_number": "1234 5678",
        "municipality_id": str(municipality.id),
        "sector": "horeca",
        "size_class": "2-9",
        "street_address": "Voorstraat 12",
        "postcode": "3311ab",
        "city": "Dordrecht",
        "website": "https://bakkerijdemerwede.example.nl",
        "public_listing": "y",
        "contact_name": "Fatima el Amrani",
        "email": "Fatima@Bakkerij.example.nl",
        "password": "Lange-Wachtzin-2026",
        "password_repeat": "Lange-Wachtzin-2026",
        "accept_terms": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register_and_sign_in(client, mailbox, data: dict) -> None:
    """What a new entrepreneur does: register through the form, open the confirmation link from the
    mail and sign in with the password just chosen."""
    assert client.post("/register", data=data).status_code == 302
    address = data["email"].strip().lower()
    message = next(m for m in reversed(list(mailbox)) if m["To"] == address)
    assert client.get(link_in(message, "/verify-email/")).status_code == 302
    assert client.post("/login", data={"email": data["email"], "password": data["password"]}).status_code == 302


@contextmanager
def statements():
    """The SQL statements sent to the database inside the block (as outside the tests: without the
    savepoints that stand in for the transactions there, see tests/rollback.py)."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if not stands_in_for_a_transaction(statement):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)


def live_counts(municipality_id: int | None = None) -> SimpleNamespace:
    """Partners, labelled, working toward the label and applicants counted from the organisations'
    statuses now (the pages read snapshots; tests compare against this), as a snapshot's figures."""
    query = sa.select(Organisation.status, sa.func.count()).group_by(Organisation.status)
    if municipality_id is not None:
        query = query.where(Organisation.municipality_id == municipality_id)
    return SimpleNamespace(**figures(by_part(dict(db.session.execute(query).all())), {}))


def login_client(client, user) -> str:
    """Sign ``client`` in as ``user`` without the login form: a sign-in as the login form makes one
    (committed, so a live server sees it), in the session Flask-Login reads. Returns its token."""
    from impactnet.accounts.sessions import start_session

    token = start_session(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return token
