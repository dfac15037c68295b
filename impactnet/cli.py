"""``flask --app wsgi …`` commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from werkzeug.serving import run_simple

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.imports.cli import import_organisations_command
from impactnet.mail.messages import mail_dir
from impactnet.stats.cli import backfill_snapshots_command


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([Role.STAFF.value, Role.MUNICIPALITY.value, Role.ADMIN.value]), required=True)
@click.option("--municipality", "municipality_slug", help="Slug of the municipality (municipality viewers).")
@click.option("--name", default="", help="Display name.")
@click.option("--password", help="Set this password; without it an invitation mail is sent.")
@click.option(
    "--prompt-password/--invite",
    default=True,
    help="Without --password: ask for one (default) or send an invitation mail.",
)
def create_user_command(email, role, municipality_slug, name, password, prompt_password):
    """Create a staff, municipality or admin account."""
    from impactnet.accounts import passwords, services
    from impactnet.accounts.mails import invitation_mail, queue

    if password is None and prompt_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password is not None and not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise click.BadParameter(
            f"use {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters", param_hint="--password"
        )
    account = services.NewAccount(
        email=email, role=Role(role), name=name, municipality_slug=municipality_slug, password=password
    )
    try:
        user = services.create_account(None, account)
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error.args[0])) from None
    if password is None:
        with current_app.test_request_context():
            queue(invitation_mail(user), "invitation", user)
    db.session.commit()
    if password is None:
        click.echo(f"Invited {user.email} ({user.role}); the invitation mail is in the outbox.")
    else:
        click.echo(f"Created {user.email} ({user.role}).")


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo network (idempotent) and print the demo logins."""
    from impactnet.demo.seed import DEMO_PASSWORD, seed_demo

    accounts = seed_demo()
    db.session.commit()
    # The demo's growth history, rebuilt from its audit trail (replaces earlier runs' days).
    ctx = click.get_current_context()
    ctx.invoke(backfill_snapshots_command)
    click.echo(f"Demo data loaded. Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in accounts:
        click.echo(f"  {role:<14} {email}")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not start the Celery worker with beat.")
@click.pass_context
def demo_command(ctx, host, port, no_worker):
    """Set up the embedded default (schema, demo data), start a Celery worker
    with beat (reminders, outbox, snapshots) and serve the portal."""
    from flask_migrate import upgrade

    address = demo_address(host, port)
    if not os.environ.get("PUBLIC_URL"):
        # Links in mails lead to the address the demo serves on (a browser that opened localhost
        # instead of 127.0.0.1 would be signed out: another origin).
        current_app.config["PUBLIC_URL"] = address
    upgrade()
    ctx.invoke(seed_demo_command)
    worker = None if no_worker else _start_worker()
    # Stopping the portal (Ctrl+C or SIGTERM) stops its worker too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"\nimpactnet runs at {address}/  (open that address; mails are written to {mail_dir()})\n")
    try:
        # Flask's app.run() refuses to run inside a `flask` command; serve directly.
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)


def demo_address(host: str, port: int) -> str:
    """Where a browser reaches the demo: its host, or 127.0.0.1 when it listens on every address."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def _start_worker() -> subprocess.Popen:
    """A real Celery worker with beat, on Redis when REDIS_URL is set, else on
    the filesystem transport in the instance folder (see workers/); its mails link to the demo's
    address too."""
    env = {
        **os.environ,
        "IMPACTNET_INSTANCE_PATH": current_app.instance_path,
        "PUBLIC_URL": current_app.config["PUBLIC_URL"],
    }
    pidfile = Path(current_app.instance_path) / "celery" / "worker.pid"
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers",
        "worker",
        "--beat",
        "--pool",
        "solo",
        "--loglevel",
        "WARNING",
        "--pidfile",
        str(pidfile),
    ]
    click.echo("Celery worker with beat started (reminders, mail outbox, snapshots).")
    return subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent)


@click.command("send-mails")
def send_mails_command():
    """Deliver the due mails in the outbox now (the worker does this every minute)."""
    from impactnet.accounts.requests import handle_account_requests
    from impactnet.mail.outbox import deliver_due

    handle_account_requests()
    db.session.commit()
    sent, failed = deliver_due()
    click.echo(f"{sent} sent, {failed} failed attempts")


def register_cli(app: Flask) -> None:
    app.cli.add_command(backfill_snapshots_command)
    app.cli.add_command(send_mails_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(import_organisations_command)
