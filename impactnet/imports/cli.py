"""``flask --app wsgi import-organisations FILE``: the dry run, and with --apply the import."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from impactnet.extensions import db


@click.command("import-organisations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_it", is_flag=True, help="Import (default: only show what would happen).")
@click.option("--as", "actor_email", help="The staff account the audit trail names (required with --apply).")
@click.option("--invite", is_flag=True, help="Send the contact people an invitation mail.")
@with_appcontext
def import_organisations_command(path, apply_it, actor_email, invite):
    """Import organisations from a CSV or XLSX file (format: README, "Importing the network")."""
    from impactnet.accounts.models import Role
    from impactnet.accounts.services import find_user_by_email
    from impactnet.imports.services import ImportFileError, dry_run, run_import

    data = path.read_bytes()
    actor = None
    if apply_it:
        actor = find_user_by_email(actor_email or "")
        if actor is None or actor.role not in (Role.STAFF, Role.ADMIN):
            raise click.BadParameter("name a staff or admin account", param_hint="--as")
    try:
        with current_app.test_request_context():  # invitation mails build links
            if apply_it:
                preview, outcome = run_import(actor, data, path.name, invite=invite)
            else:
                preview, outcome = dry_run(data, path.name), None
            for notice in preview.plan.notices:
                click.echo(f"Let op: {notice}")
            for row in preview.plan.rows:
                click.echo(f"rij {row.number}: {row.action} {row.kvk_number} {row.name}")
                for error in row.errors:
                    click.echo(f"    fout: {error}")
    except ImportFileError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    plan = preview.plan
    summary = (
        f"{plan.count('create')} new, {plan.count('update')} changed, {plan.count('unchanged')} unchanged, "
        f"{plan.errors} errors"
    )
    if plan.errors:
        db.session.rollback()
        raise click.ClickException(f"{summary}: nothing imported.")
    if outcome is None:
        click.echo(f"Dry run: {summary}. Run again with --apply --as EMAIL to import.")
        return
    db.session.commit()
    click.echo(f"Imported: {summary}; {outcome.invited} invitations queued.")
