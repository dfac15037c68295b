"""The interface language: Dutch (the source strings) or English (the catalogue).

The catalogues live in the repository as .po files (``impactnet/translations``);
the .mo files Flask-Babel reads are compiled from them at start-up into the
instance folder, so a compiled file is never committed and never stale.

The language of a request, in order: the signed-in user's saved choice, a
visitor's choice kept in the session, the browser's Accept-Language, Dutch.
Mails do not follow the request: they are rendered in the recipient's
language (:func:`recipient_locale`, with ``flask_babel.force_locale``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context

# A text shown to a person: already translated, or translated when it is shown (lazy_gettext).
Message = str | LazyString

LANGUAGES = ("nl", "en")
DEFAULT_LOCALE = "nl"
SESSION_KEY = "locale"
_FROM_BROWSER = "_locale_from_accept_language"
_TRANSLATIONS = "_impactnet_translations"  # a template's context: the catalogue of its render
CATALOGUES = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogues(source: Path, target: Path) -> None:
    """Compile each ``<locale>/LC_MESSAGES/<domain>.po`` under ``source`` into the
    same place under ``target`` when the .mo is missing or older than the .po.

    Several processes may start at once (web workers, a Celery worker): each
    writes its own temporary file and renames it into place, so a reader sees
    the old file or the new one, never half of one.
    """
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=mo_path.parent, prefix=f".{mo_path.stem}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as mo_file:
                write_mo(mo_file, catalog)  # fuzzy entries left out: they show the Dutch source
            os.replace(temporary, mo_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def init_locale(app: Flask) -> None:
    """Compile the catalogues into ``<instance>/translations`` and point Flask-Babel
    there (call before ``babel.init_app``, which reads the setting); responses
    whose language came from the browser say so to caches."""
    target = Path(app.instance_path) / "translations"
    compile_catalogues(CATALOGUES, target)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    app.after_request(_vary_on_accept_language)
    app.add_template_filter(localized)


def install_template_gettext(app: Flask) -> None:
    """Templates' ``_()`` with the catalogue looked up once per render (call after ``babel.init_app``).

    Flask-Babel's own template functions look up the language and the catalogue on every call, through
    nine context lookups: about 20 µs per ``_()``, a quarter of the time it takes to render the region
    overview (some 190 strings), which every figures change makes the next visitor wait for. Here
    ``render_template`` puts the catalogue in the template's context once, and ``_()`` reads it from
    there; a macro imported without that context (``{% from ... import %}``) asks Flask-Babel as before.
    The language cannot change during one render (mails in another language are rendered inside
    ``force_locale``, which the lookup at the start of their render sees)."""
    app.context_processor(lambda: {_TRANSLATIONS: get_translations()})

    def translations(context):
        return context.get(_TRANSLATIONS) or get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda context, s: translations(context).ugettext(s)),
        ngettext=pass_context(lambda context, s, p, n: translations(context).ungettext(s, p, n)),
        pgettext=pass_context(lambda context, c, s: translations(context).upgettext(c, s)),
        npgettext=pass_context(lambda context, c, s, p, n: translations(context).unpgettext(c, s, p, n)),
        newstyle=True,
    )


def _vary_on_accept_language(response):
    # E.g. the badge, cached publicly: a shared cache must not hand the English one to a Dutch browser.
    if g.get(_FROM_BROWSER):
        response.vary.add("Accept-Language")
    return response


def valid_locale(value: object) -> str | None:
    """``value`` when it names a language impactnet speaks, else None."""
    return value if isinstance(value, str) and value in LANGUAGES else None


def select_locale() -> str:
    """Flask-Babel's locale selector. Outside a request (a task, the CLI) Dutch.

    ``current_user`` is the user Flask-Login loads once per request and every
    page's header reads anyway, so choosing the language adds no query.
    """
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user.is_authenticated and (chosen := valid_locale(current_user.locale)):
        return chosen
    if chosen := valid_locale(session.get(SESSION_KEY)):
        return chosen
    setattr(g, _FROM_BROWSER, True)
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LOCALE


def recipient_locale(recipient) -> str:
    """The language of mails to ``recipient`` (a User or anything with ``locale``)."""
    return valid_locale(getattr(recipient, "locale", None)) or DEFAULT_LOCALE


def localized(obj, field: str) -> str:
    """``obj.<field>`` in the current language: texts staff keep in the database (steps, Drechtse
    Doelen) have an English twin ``<field>_en``; without one, English pages show the Dutch."""
    if str(get_locale()) == "en" and (english := getattr(obj, f"{field}_en", None)):
        return english
    return getattr(obj, field)
