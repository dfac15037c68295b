"""Bulk actions on a selection of St MBO's organisation search (staff only): a message to the
organisations' users, an account manager, a download. Each shows a preview first; its "confirm"
runs only what that preview showed (see :mod:`impactnet.workspace.bulk`)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from impactnet.accounts.access import STAFF, access
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.workspace import bulk, bulk_manager, bulk_message
from impactnet.workspace.bulk_forms import DownloadForm, ManagerForm, MessageForm
from impactnet.workspace.search_export import export_table
from impactnet.workspace.views import parameter_error_text, search_or_error, table_download

bp = Blueprint("bulk", __name__, url_prefix="/organisations/bulk")


@bp.errorhandler(bulk.BulkError)
def _refused(error: bulk.BulkError):
    return render_template("workspace/bulk_refused.html", message=error.message), error.status


def _resolved() -> bulk.Resolved:
    """The selection in the request (query string or form), resolved now. Raises BulkError."""
    values = request.values
    raw_filter, scope = values.get("filter", ""), values.get("scope", "")
    if len(raw_filter) > bulk.MAX_FILTER or scope not in ("", "selected", "all"):
        raise bulk.BulkError(_("De selectie is niet te lezen. Kies de organisaties opnieuw in de lijst."), 400)
    params, error, _context = search_or_error(MultiDict(parse_qsl(raw_filter, keep_blank_values=True)))
    if error is not None:
        raise bulk.BulkError(parameter_error_text(error), 400)
    everything = scope == "all"
    ids = () if everything else bulk.parse_ids(values.getlist("ids"))
    return bulk.resolve(bulk.Selection(replace(params, page=1), everything, ids), local_today())


def _back(resolved: bulk.Resolved):
    return redirect(url_for("workspace.index", **resolved.selection.params.url_args(page=None)))


def _page(template: str, status: int = 200, **context):
    return render_template(f"workspace/{template}", **context), status


# A message to the organisations' users -------------------------------------------------------


@bp.get("/message")
@access(STAFF)
def message():
    return _page("bulk_message.html", form=MessageForm(formdata=None), resolved=_resolved())


def _message_preview(form: MessageForm, resolved: bulk.Resolved, status: int = 200, warning=None):
    found = bulk_message.audience(resolved)
    sample = bulk_message.build(*found.recipients[0], form.message()) if found.recipients else None
    form.token.data = bulk.preview_token(current_user, bulk_message.preview_digest(resolved, form.message()))
    return _page(
        "bulk_message_preview.html",
        status,
        form=form,
        resolved=resolved,
        audience=found,
        sample=sample,
        warning=warning,
        excluded_labels=bulk_message.EXCLUDED_LABELS,
    )


@bp.post("/message")
@access(STAFF)
def message_preview():
    resolved, form = _resolved(), MessageForm()
    if not form.validate_on_submit() or form.edit.data:
        return _page("bulk_message.html", 422 if form.errors else 200, form=form, resolved=resolved)
    return _message_preview(form, resolved)


@bp.post("/message/send")
@access(STAFF)
def message_send():
    resolved, form = _resolved(), MessageForm()
    if not form.validate_on_submit():
        return _page("bulk_message.html", 422, form=form, resolved=resolved)
    try:
        action_id = bulk.confirmed_action(
            current_user, form.token.data, bulk_message.preview_digest(resolved, form.message())
        )
    except bulk.StalePreview as stale:
        return _message_preview(form, resolved, stale.status, stale.message)
    sent = bulk_message.send(current_user, resolved, form.message(), action_id)
    db.session.commit()
    _flash_sent(sent)
    return _back(resolved)


def _flash_sent(sent: bulk_message.Sent) -> None:
    if sent.queued:
        flash(
            ngettext("Het bericht gaat naar %(num)d ontvanger", "Het bericht gaat naar %(num)d ontvangers", sent.queued)
            + " "
            + ngettext("bij %(num)d organisatie.", "bij %(num)d organisaties.", sent.organisations)
            + " "
            + _("Het vertrekt binnen enkele minuten. Een mail die niet aankomt, staat onder ‘Mislukte e-mails’."),
            "success",
        )
    elif sent.recipients:
        flash(_("Dit bericht was al verstuurd. Er is niets opnieuw verstuurd."), "warning")
    else:
        flash(_("Niemand in deze selectie kan dit bericht ontvangen. Er is niets verstuurd."), "error")


# An account manager ---------------------------------------------------------------------------


@bp.get("/account-manager")
@access(STAFF)
def manager():
    return _page("bulk_manager.html", form=ManagerForm(formdata=None), resolved=_resolved())


def _manager_or_form(form: ManagerForm, resolved: bulk.Resolved):
    """The chosen manager, or the form again with the refusal (a 422 page) as the second value."""
    if not form.validate_on_submit():
        return None, _page("bulk_manager.html", 422, form=form, resolved=resolved)
    try:
        return bulk_manager.chosen_manager(form.account_manager.data), None
    except bulk.BulkError as error:
        form.account_manager.errors = [error.message]
        return None, _page("bulk_manager.html", 422, form=form, resolved=resolved)


def _manager_preview(form: ManagerForm, resolved: bulk.Resolved, manager, status: int = 200, warning=None):
    form.token.data = bulk.preview_token(current_user, bulk_manager.preview_digest(resolved, manager))
    return _page(
        "bulk_manager_preview.html",
        status,
        form=form,
        resolved=resolved,
        plan=bulk_manager.plan(resolved, manager),
        warning=warning,
    )


@bp.post("/account-manager")
@access(STAFF)
def manager_preview():
    resolved, form = _resolved(), ManagerForm()
    manager, refused = _manager_or_form(form, resolved)
    return refused or _manager_preview(form, resolved, manager)


@bp.post("/account-manager/assign")
@access(STAFF)
def manager_assign():
    resolved, form = _resolved(), ManagerForm()
    manager, refused = _manager_or_form(form, resolved)
    if refused:
        return refused
    try:
        action_id = bulk.confirmed_action(current_user, form.token.data, bulk_manager.preview_digest(resolved, manager))
    except bulk.StalePreview as stale:
        return _manager_preview(form, resolved, manager, stale.status, stale.message)
    changed = bulk_manager.assign(current_user, resolved, manager, action_id)
    db.session.commit()
    flash(
        ngettext(
            "De relatiebeheerder is gewijzigd bij %(num)d organisatie.",
            "De relatiebeheerder is gewijzigd bij %(num)d organisaties.",
            changed,
        )
        if changed
        else _("Er was niets gewijzigd."),
        "success",
    )
    return _back(resolved)


# A download -----------------------------------------------------------------------------------


def _download_preview(resolved: bulk.Resolved, status: int = 200, warning=None):
    form = DownloadForm(formdata=None, token=bulk.preview_token(current_user, bulk.digest("download", None, resolved)))
    return _page("bulk_download.html", status, form=form, resolved=resolved, warning=warning)


@bp.get("/download")
@access(STAFF)
def download():
    return _download_preview(_resolved())


@bp.post("/download")
@access(STAFF)
def download_file():
    resolved, form = _resolved(), DownloadForm()
    if not form.validate_on_submit():
        return _download_preview(resolved, 422, form.fmt.errors[0] if form.fmt.errors else None)
    try:
        bulk.confirmed_action(current_user, form.token.data, bulk.digest("download", None, resolved))
    except bulk.StalePreview as stale:
        return _download_preview(resolved, stale.status, stale.message)
    selection = resolved.selection
    table = export_table(
        current_user,
        selection.params,
        local_today(),
        form.fmt.data,
        rows=resolved.rows,
        selection={**selection.describe(), "left_out": resolved.left_out},
    )
    db.session.commit()
    return table_download(table, form.fmt.data, local_today())
