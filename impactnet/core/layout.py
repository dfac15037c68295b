"""The layout's fixed parts (``templates/layout/``), rendered once per process and kept.

The menu, the header's brand and the footer of ``base.html`` are the same for every request with the same
language, role, endpoint (the menu marks the current page) and, for partners, organisation (their
colleagues link): rendering them on every page cost about 40 % of a warm dashboard (some 16 translation
lookups and 16 ``url_for`` calls). :func:`layout_part` renders a part once per such key and keeps it in a
small per-process dictionary; nothing of one person is in a kept part. What differs per request, the CSRF
token of the session, is a slot in the kept text that is filled on every request (escaped); the signed-in
name and the language switch's return path stay in ``base.html`` itself.

Templates and catalogues do not change while a process runs, so nothing has to be emptied; the
dictionary is bounded (the oldest half is dropped when it is full).
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from impactnet.core.fragments import kept

MAX_PARTS = 4096
EXTENSION = "impactnet.layout_parts"


def _slot(name: str) -> Markup:
    """The placeholder a kept part holds where this request's ``name`` goes (control characters that
    no rendered text contains, so no page content can forge one)."""
    return Markup(f"\x00slot:{name}\x00")


def _key(name: str) -> tuple:
    if current_user.is_authenticated:
        role = str(getattr(current_user.role, "value", current_user.role))
        organisation = current_user.organisation_id if role == "partner" else None
    else:
        role, organisation = None, None
    return name, str(get_locale()), request.script_root, request.endpoint, role, organisation


def layout_part(name: str, **values: str) -> Markup:
    """The part ``templates/layout/<name>.html`` for this request, from the kept copy when there is one,
    with its slots filled: ``csrf`` (this session's token) and the ``values`` given, escaped."""
    html = kept(EXTENSION, _key(name), lambda: render_template(f"layout/{name}.html", slot=_slot), MAX_PARTS)
    if "\x00" in html:
        if (slot := str(_slot("csrf"))) in html:
            html = html.replace(slot, str(escape(generate_csrf())))
        for slot_name, value in values.items():
            html = html.replace(str(_slot(slot_name)), str(escape(value)))
    return Markup(html)


def init_layout(app) -> None:
    app.jinja_env.globals["layout_part"] = layout_part
