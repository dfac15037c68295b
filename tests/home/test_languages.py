"""Dutch and English: the catalogue is complete, the language is chosen as
promised (account, then session, then browser, then Dutch), the switch is
safe, and mails go out in the recipient's language."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.core.locale import CATALOGUES, compile_catalogues, select_locale
from impactnet.database import local_day, utcnow
from impactnet.extensions import db
from impactnet.notifications.reminders import expire_labels_and_notify
from impactnet.organisations.models import OrganisationStatus
from tests import factories
from tests.helpers import count, login_client, registration_data, statements

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = CATALOGUES / "en" / "LC_MESSAGES" / "messages.po"
# The same keywords as the pybabel commands in the README (babel.cfg names them too).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")

HOME_NL = "Ondernemen met impact in de Drechtsteden"
HOME_EN = "Ondernemen met impact in the Drechtsteden"
UNKNOWN_LANGUAGE = "Deze taal kennen we niet"


# The catalogue.


def _extracted() -> dict[str | tuple, list[str]]:
    """Every message in the code and templates, as ``pybabel extract -F babel.cfg`` finds them."""
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse(cfg)
    tops = {pattern.split("/", 1)[0] for pattern, _method in method_map}

    def only_mapped_folders(path: str) -> bool:
        return Path(path).relative_to(ROOT).parts[0] in tops

    found: dict[str | tuple, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=only_mapped_folders
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def _placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def test_babel_cfg_reaches_python_files_and_every_kind_of_template():
    places = {place.split(":")[0] for places in _extracted().values() for place in places}
    assert any(place.startswith("impactnet/") and place.endswith(".py") for place in places)
    for suffix in (".html", ".txt", ".svg"):
        assert any(place.startswith("templates/") and place.endswith(suffix) for place in places), suffix
    lazy = "Schrijf wat er moet veranderen."  # impactnet/review/forms.py, with _l()
    assert lazy in _extracted()


def test_every_message_has_an_english_translation_with_the_same_placeholders():
    with ENGLISH.open("rb") as po_file:
        catalogue = read_po(po_file, locale="en")
    problems = []
    for message_id, places in sorted(_extracted().items(), key=lambda item: str(item[0])):
        where = places[0]
        entry = catalogue.get(message_id)
        if entry is None:
            problems.append(f"{where}: not in the catalogue: {message_id!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(strings):
            problems.append(f"{where}: not translated{' (fuzzy)' if entry.fuzzy else ''}: {message_id!r}")
            continue
        sources = message_id if isinstance(message_id, tuple) else (message_id,)
        # Plural forms may leave the number out of one form; otherwise the same placeholders.
        wanted = set().union(*(_placeholders(source) for source in sources))
        for string in strings:
            if set(_placeholders(string)) - wanted or (
                len(sources) == 1 and _placeholders(string) != _placeholders(sources[0])
            ):
                problems.append(f"{where}: placeholders differ: {message_id!r} -> {string!r}")
        problems.extend(f"{where}: {error}" for error in entry.check(catalogue))
    assert not problems, 'update the catalogue (see "Languages" in README.md):\n  ' + "\n  ".join(problems)


def test_catalogues_compile_when_missing_or_older_than_the_po(tmp_path):
    source, target = tmp_path / "source", tmp_path / "compiled"
    shutil.copytree(CATALOGUES, source)
    compile_catalogues(source, target)
    mo = target / "en" / "LC_MESSAGES" / "messages.mo"
    with mo.open("rb") as mo_file:
        assert read_mo(mo_file).get("Opslaan").string == "Save"
    assert [path.name for path in mo.parent.iterdir()] == ["messages.mo"]  # no temporary files left

    compiled_at = mo.stat().st_mtime_ns
    compile_catalogues(source, target)
    assert mo.stat().st_mtime_ns == compiled_at  # up to date: left alone

    po = source / "en" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Save"', 'msgstr "Save it"'), encoding="utf-8")
    os.utime(po, ns=(compiled_at + 10**9, compiled_at + 10**9))
    compile_catalogues(source, target)
    with mo.open("rb") as mo_file:
        assert read_mo(mo_file).get("Opslaan").string == "Save it"


def test_the_app_reads_the_catalogue_it_compiled_into_its_instance_folder(app):
    directory = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    assert directory == Path(app.instance_path) / "translations"
    assert (directory / "en" / "LC_MESSAGES" / "messages.mo").is_file()


def test_outside_a_request_the_language_is_dutch_unless_forced(app):
    assert select_locale() == "nl"
    assert gettext("Opslaan") == "Opslaan"
    with force_locale("en"):
        assert gettext("Opslaan") == "Save"


# Choosing the language of a page.


def _page(client, url="/", **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_browser_language_decides_for_a_visitor(client):
    dutch = _page(client)
    assert HOME_NL in dutch and '<html lang="nl">' in dutch
    english = _page(client, **{"Accept-Language": "en"})
    assert HOME_EN in english and '<html lang="en">' in english
    assert "Register your organisation" in english and "Meld uw organisatie aan" not in english
    assert HOME_EN in _page(client, **{"Accept-Language": "en-GB,en;q=0.8"})
    assert HOME_EN in _page(client, **{"Accept-Language": "nl;q=0.5, en;q=0.9"})
    assert HOME_NL in _page(client, **{"Accept-Language": "nl, en;q=0.9"})
    assert HOME_NL in _page(client, **{"Accept-Language": "de"})  # a language we do not speak: Dutch
    assert HOME_NL in _page(client, **{"Accept-Language": "de-DE,fr;q=0.9"})


def test_a_page_in_the_browsers_language_tells_caches_it_varies_with_it(client, login):
    assert "Accept-Language" in client.get("/", headers={"Accept-Language": "en"}).headers.get("Vary", "")
    login(factories.UserFactory(role=Role.STAFF, locale="en"))
    assert "Accept-Language" not in client.get("/", headers={"Accept-Language": "en"}).headers.get("Vary", "")


def test_a_visitors_switch_is_remembered_in_the_session(client):
    response = client.post("/language", data={"locale": "en", "next": "/regions?x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/regions?x=1"
    assert HOME_EN in _page(client)
    assert HOME_EN in _page(client, **{"Accept-Language": "nl"})  # the choice beats the browser
    client.post("/language", data={"locale": "nl"})
    assert HOME_NL in _page(client, **{"Accept-Language": "en"})


def test_a_signed_in_users_saved_language_beats_the_browser_and_the_session(client, login):
    user = login(factories.UserFactory(role=Role.STAFF, locale="en"))
    with client.session_transaction() as session:
        session["locale"] = "nl"
    assert HOME_EN in _page(client, **{"Accept-Language": "nl"})
    user.locale = None
    db.session.commit()
    assert HOME_NL in _page(client, **{"Accept-Language": "en"})  # the session's choice


def test_the_switch_saves_a_signed_in_users_choice_on_the_account(client, login):
    user = login(factories.PartnerUserFactory())
    response = client.post("/language", data={"locale": "en", "next": "/dashboard"})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    db.session.refresh(user)
    assert user.locale == "en"
    assert count(AuditEvent, AuditEvent.action == AuditAction.USER_PREFERENCES_CHANGED) == 1
    assert "Your steps" in _page(client, "/dashboard")
    other_device = client.application.test_client()
    login_client(other_device, user)
    assert "Your steps" in _page(other_device, "/dashboard")  # the account remembers, not only this session


def test_choosing_the_language_reads_only_the_signed_in_user(client, login):
    login(factories.UserFactory(role=Role.STAFF, locale="en"))
    with statements() as seen:
        page = _page(client, "/regions")
    assert "Municipalities" in page
    assert sum(bool(re.search(r"\bFROM users\b", statement)) for statement in seen) == 1, seen


@pytest.mark.parametrize("value", ["xx", "../en", "EN", "en\n", "e" * 5000, ""])
def test_unknown_languages_are_refused_with_a_clear_message(client, login, value):
    user = login(factories.UserFactory(role=Role.STAFF))
    response = client.post("/language", data={"locale": value, "next": "/"})
    assert response.status_code == 400
    assert UNKNOWN_LANGUAGE in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale is None
    with client.session_transaction() as session:
        assert "locale" not in session


def test_a_post_without_a_language_or_with_a_list_is_refused(client):
    assert client.post("/language").status_code == 400
    assert client.post("/language", data={"locale": ["en", "nl"]}).status_code in (302, 400)
    assert client.get("/language").status_code == 405


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/regions\r\nSet-Cookie: x=1",
        "/" + "a" * 5000,
    ],
)
def test_the_switch_only_returns_to_this_site(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and not urlsplit(location).netloc
    assert "\r" not in location and "\n" not in location and "\\" not in location


@pytest.mark.parametrize(
    "target, kept",
    [
        ("/regions?page=2", True),
        ("/register", True),
        ("/municipalities", True),  # redirects to its slash form, which answers GET
        ("/organisations/1/erase", False),  # answers POST only: the home page, not a 405
        ("/language", False),
        ("/bestaat-niet", False),
    ],
)
def test_the_switch_returns_to_the_page_only_when_it_answers_a_get(client, target, kept):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == (target if kept else "/")


def test_the_footer_switch_is_a_labelled_form_with_the_current_language_marked(client):
    page = _page(client, "/regions?page=1", **{"Accept-Language": "en"})
    footer = page.split('<footer class="site-footer">')[1]
    assert 'action="/language"' in footer and 'method="post"' in footer
    assert 'name="csrf_token"' in footer and 'name="next" value="/regions?page=1"' in footer
    assert 'role="group" aria-labelledby="language-switch-label"' in footer
    assert '<span id="language-switch-label">Language:</span>' in footer
    assert re.search(
        r'<button type="submit" name="locale" value="nl" lang="nl" class="link-button"\s*>Nederlands</button>', footer
    )
    assert re.search(r'value="en" lang="en" class="link-button"\s*aria-current="true">English</button>', footer)


def test_the_switch_needs_the_csrf_token_when_csrf_is_on(make_app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    refused = client.post("/language", data={"locale": "en"})
    assert refused.status_code == 400
    assert "Het formulier is verlopen of niet geldig" in refused.get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    footer = page.split('<footer class="site-footer">')[1]
    token = re.search(r'name="csrf_token" value="([^"]+)"', footer).group(1)
    accepted = client.post("/language", data={"locale": "en", "next": "/", "csrf_token": token})
    assert accepted.status_code == 302
    assert HOME_EN in client.get("/").get_data(as_text=True)


# Mails in the recipient's language.


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_a_password_reset_mail_is_in_the_recipients_language(client, mailbox):
    factories.UserFactory(email="english@example.nl", locale="en")
    factories.UserFactory(email="nederlands@example.nl")
    # The request's language does not matter: the mail follows the account.
    client.post("/reset-password", data={"email": "english@example.nl"})
    client.post("/reset-password", data={"email": "nederlands@example.nl"}, headers={"Accept-Language": "en"})
    by_address = {message["To"]: message for message in mailbox}

    english = by_address["english@example.nl"]
    assert english["Subject"] == "Set a new password for impactnet"
    assert "Someone has asked for a new password for your impactnet account." in _text(english)
    assert "The link is valid for 1 hour and works once." in _text(english)
    assert "Choose a new password" in _html(english) and "Dear " in _html(english)
    assert "wachtwoord" not in _text(english).lower()

    dutch = by_address["nederlands@example.nl"]
    assert dutch["Subject"] == "Nieuw wachtwoord instellen voor impactnet"
    assert "De link is 1 uur geldig" in _text(dutch)


def test_who_registers_in_english_gets_english_mail(client, mailbox, dordrecht):
    data = registration_data(dordrecht, email="new@example.nl")
    assert client.post("/register", data=data, headers={"Accept-Language": "en"}).status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new@example.nl"))
    assert user.locale == "en"
    [mail] = [message for message in mailbox if message["To"] == "new@example.nl"]
    assert mail["Subject"] == "Confirm your email address for impactnet"
    assert '<html lang="en">' in _html(mail)


def test_an_invitation_is_in_the_invited_users_language(app, client, login, mailbox):
    from impactnet.accounts.mails import invitation_mail, queue

    login(factories.UserFactory(role=Role.ADMIN))
    invited = factories.UserFactory(email="invited@example.nl", password_hash=None, locale="en")
    with app.test_request_context():
        queue(invitation_mail(invited), "invitation", invited)
    db.session.commit()
    assert mailbox[0]["Subject"] == "Invitation to impactnet"
    assert "You have been invited to impactnet" in _text(mailbox[0])


def test_reminders_and_staff_notices_are_in_each_recipients_language(mailbox, dordrecht, path):
    today = local_day(utcnow())
    expired = factories.OrganisationFactory(
        municipality=dordrecht,
        name="Verlopen B.V.",
        status=OrganisationStatus.LABELLED,
        label_valid_until=today - timedelta(days=1),
    )
    factories.PartnerUserFactory(organisation=expired, email="contact@example.nl", locale="en")
    factories.UserFactory(role=Role.STAFF, email="staff-en@example.nl", locale="en")
    factories.UserFactory(role=Role.STAFF, email="staff-nl@example.nl")

    assert expire_labels_and_notify(today) == 1
    db.session.commit()
    by_address = {message["To"]: message for message in mailbox}
    contact = by_address["contact@example.nl"]
    assert contact["Subject"] == "The Ondernemen met impact label of Verlopen B.V. has expired"
    assert "You remain a partner." in _text(contact) and "Dear " in _text(contact)
    assert by_address["staff-en@example.nl"]["Subject"] == "1 Ondernemen met impact label has expired"
    assert "The label of this organisation has expired:" in _text(by_address["staff-en@example.nl"])
    assert by_address["staff-nl@example.nl"]["Subject"] == "1 label Ondernemen met impact is verlopen"
    assert "Het label van deze organisatie is verlopen:" in _text(by_address["staff-nl@example.nl"])
