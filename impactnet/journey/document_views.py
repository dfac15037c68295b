"""Downloading the documents St MBO offers on a step (the partner agreement)."""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from impactnet.accounts.access import STAFF_ROLES, access, policy
from impactnet.accounts.models import Role
from impactnet.journey import documents

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.route("/<int:document_id>")
@access(policy(Role.PARTNER, *STAFF_ROLES))  # the agreement is the same for every partner
def download(document_id: int):
    document = documents.get_document(document_id) or abort(404)
    path = documents.document_path(document.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=documents.PDF_MIME, as_attachment=True, download_name=document.file_name, max_age=0)
