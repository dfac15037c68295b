"""Municipality viewers' personal API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import TOKEN, access, policy
from impactnet.accounts.models import Role
from impactnet.api import services
from impactnet.api.forms import RevokeForm, TokenForm
from impactnet.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


def _page(form, plain_token=None, status=200):
    response = make_response(
        render_template(
            "api/tokens.html",
            form=form,
            revoke_form=RevokeForm(formdata=None),
            tokens=services.user_tokens(current_user),
            plain_token=plain_token,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"  # the page may show a plain token
    return response


@bp.get("")
@access(policy(Role.MUNICIPALITY))
def index():
    return _page(TokenForm(formdata=None))


@bp.post("")
@access(policy(Role.MUNICIPALITY))
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    token, plain = services.create_token(current_user, form.name.data)
    db.session.commit()
    # Rendered, not redirected: the plain token must not travel through the session.
    flash(_("API-sleutel %(name)s is aangemaakt.", name=token.name), "success")
    return _page(TokenForm(formdata=None), plain_token=plain)


@bp.post("/<int:token_id>/revoke")
@access(policy(Role.MUNICIPALITY, own=TOKEN))  # another user's token: 404
def revoke(token_id: int):
    if not RevokeForm().validate_on_submit():
        abort(400)
    token = services.revoke_token(current_user, token_id) or abort(404)
    db.session.commit()
    flash(_("API-sleutel %(name)s is ingetrokken en werkt niet meer.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
