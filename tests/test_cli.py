import sqlalchemy as sa

from impactnet.accounts import passwords
from impactnet.accounts.models import Role, User
from impactnet.extensions import db
from tests.helpers import link_in


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_staff_user_with_password(app, mailbox):
    result = app.test_cli_runner().invoke(
        args=["create-user", "Medewerker@STMBO.example.nl", "--role", "staff", "--password", "een-lang-wachtwoord"]
    )
    assert result.exit_code == 0, result.output
    user = _user("medewerker@stmbo.example.nl")
    assert user.role is Role.STAFF
    assert passwords.verify_password(user.password_hash, "een-lang-wachtwoord")
    assert user.email_verified
    assert mailbox == []


def test_create_user_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "beheer@example.nl", "--role", "admin"], input="geheim-en-lang-1\ngeheim-en-lang-1\n"
    )
    assert result.exit_code == 0, result.output
    assert passwords.verify_password(_user("beheer@example.nl").password_hash, "geheim-en-lang-1")


def test_create_municipality_viewer_by_invitation(app, dordrecht, mailbox):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "viewer@dordrecht.example.nl",
            "--role",
            "municipality",
            "--municipality",
            "dordrecht",
            "--invite",
        ]
    )
    assert result.exit_code == 0, result.output
    user = _user("viewer@dordrecht.example.nl")
    assert user.municipality_id == dordrecht.id and user.password_hash is None
    assert link_in(mailbox[0], "/invitation/").startswith("/invitation/")


def test_create_user_refuses_bad_input(app, dordrecht):
    runner = app.test_cli_runner()
    no_municipality = runner.invoke(
        args=["create-user", "v@example.nl", "--role", "municipality", "--password", "x" * 12]
    )
    assert no_municipality.exit_code != 0 and "gemeente" in no_municipality.output
    partner = runner.invoke(args=["create-user", "p@example.nl", "--role", "partner", "--password", "x" * 12])
    assert partner.exit_code != 0
    short = runner.invoke(args=["create-user", "s@example.nl", "--role", "staff", "--password", "kort"])
    assert short.exit_code != 0
    invalid = runner.invoke(args=["create-user", "x@foo.test", "--role", "staff", "--password", "x" * 12])
    assert invalid.exit_code != 0 and "geldig e-mailadres" in invalid.output
    runner.invoke(args=["create-user", "dubbel@example.nl", "--role", "staff", "--password", "x" * 12])
    duplicate = runner.invoke(args=["create-user", "DUBBEL@example.nl", "--role", "staff", "--password", "x" * 12])
    assert duplicate.exit_code != 0 and "bestaat al" in duplicate.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
