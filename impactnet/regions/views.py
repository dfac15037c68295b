"""Municipalities: staff keep them and their targets; viewers see their own counts."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import STAFF_ROLES, roles_required, staff_required
from impactnet.accounts.models import Role
from impactnet.core.rendering import render_form
from impactnet.extensions import db
from impactnet.regions import services
from impactnet.regions.forms import MunicipalityForm, TargetForm

bp = Blueprint("regions", __name__, url_prefix="/municipalities")


def _municipality_or_404(slug: str):
    return services.municipality_by_slug(slug) or abort(404)


@bp.route("/")
@staff_required
def index():
    municipalities = services.list_municipalities()
    counts = {m.id: services.status_counts(m.id) for m in municipalities}
    return render_template("regions/index.html", municipalities=municipalities, counts=counts)


@bp.route("/<slug>")
@roles_required(Role.MUNICIPALITY, *STAFF_ROLES)
def show(slug: str):
    municipality = _municipality_or_404(slug)
    if current_user.role is Role.MUNICIPALITY and current_user.municipality_id != municipality.id:
        abort(403)
    return render_template("regions/show.html", municipality=municipality,
                           counts=services.status_counts(municipality.id), region=services.status_counts(None))


def _save_municipality(form, municipality=None):
    try:
        if municipality is None:
            municipality = services.create_municipality(
                current_user, form.name.data, form.slug.data, form.joined_on.data, bool(form.active.data))
        else:
            services.update_municipality(current_user, municipality, form.name.data, form.slug.data,
                                         form.joined_on.data, bool(form.active.data))
    except services.RegionError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(error.message)
        return None
    db.session.commit()
    flash(_("Gemeente %(name)s is opgeslagen.", name=municipality.name), "success")
    return redirect(url_for("regions.edit", slug=municipality.slug))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    form = MunicipalityForm()
    if form.validate_on_submit() and (response := _save_municipality(form)):
        return response
    return render_form("regions/edit.html", form, municipality=None, target_form=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@staff_required
def edit(slug: str):
    municipality = _municipality_or_404(slug)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit() and (response := _save_municipality(form, municipality)):
        return response
    return render_form("regions/edit.html", form, municipality=municipality, target_form=TargetForm(formdata=None))


@bp.route("/<slug>/targets", methods=["POST"])
@staff_required
def save_target(slug: str):
    municipality = _municipality_or_404(slug)
    target_form = TargetForm()
    if target_form.validate_on_submit():
        try:
            services.save_target(current_user, municipality, target_form.year.data,
                                 target_form.partners_wanted.data, target_form.labelled_wanted.data)
        except services.RegionError as error:
            db.session.rollback()
            getattr(target_form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Het doel voor %(year)s is opgeslagen.", year=target_form.year.data), "success")
            return redirect(url_for("regions.edit", slug=municipality.slug))
    form = MunicipalityForm(obj=municipality, formdata=None)
    return render_template("regions/edit.html", form=form, municipality=municipality, target_form=target_form), 422
