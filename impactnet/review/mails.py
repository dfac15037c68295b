"""What St MBO decided, told to the organisation's users: a step approved or sent back, a step
St MBO recorded, the label awarded, renewed or revoked, the organisation withdrawn. Each mail says
what was decided, St MBO's words (feedback, a reason, a report), and what is next, with a link.

Queued in the decision's transaction (:func:`impactnet.organisations.mails.mail_organisation`:
every active user, in their language, once per decision), so it goes out when the decision
commits, and within seconds (the commit wakes the worker).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from impactnet.core.locale import localized
from impactnet.journey import statemachine
from impactnet.journey.models import JourneyStep, StepKind, StepProgress, StepState, StepSubmission
from impactnet.mail.messages import build_message, public_url
from impactnet.organisations.mails import mail_organisation
from impactnet.organisations.models import Organisation


def _decision(
    user,
    subject: str,
    *,
    paragraphs: list[str],
    words: str | None = None,
    words_heading: str = "",
    next_steps: list[str],
    button: str,
    link: str,
):
    return build_message(
        user.email,
        subject,
        "decision",
        user=user,
        paragraphs=paragraphs,
        words=words,
        words_heading=words_heading,
        next_steps=next_steps,
        button=button,
        link=link,
    )


def _step_link(organisation: Organisation, step: JourneyStep) -> str:
    return public_url("journey.step", organisation_id=organisation.id, step_key=step.key)


def _what_next(organisation: Organisation, next_step: JourneyStep | None) -> tuple[list[str], str, str]:
    """The 'what is next' paragraphs, button and link after a step is done."""
    if next_step is None:
        return [_("Alle stappen zijn afgerond.")], _("Naar uw overzicht"), public_url("home.dashboard")
    title = localized(next_step, "title")
    if next_step.kind is StepKind.STAFF_RECORDED:
        lines = [_("De volgende stap is ‘%(title)s’. St MBO neemt contact met u op om die te plannen.", title=title)]
        return lines, _("Naar uw overzicht"), public_url("home.dashboard")
    lines = [_("De volgende stap is ‘%(title)s’.", title=title)]
    if requirements := localized(next_step, "requirements"):
        lines.append(requirements)
    return lines, _("Naar de stap ‘%(title)s’", title=title), _step_link(organisation, next_step)


def step_decided(submission: StepSubmission, next_step: JourneyStep | None) -> None:
    """Changes asked for, or the step approved (the label review's approval is told by the label's mail)."""
    progress: StepProgress = submission.progress
    organisation, step = progress.organisation, progress.step
    changes = submission.state is StepState.CHANGES_REQUESTED

    def build(user):
        title = localized(step, "title")
        if changes:
            return _decision(
                user,
                _("St MBO vraagt een aanpassing bij de stap ‘%(title)s’", title=title),
                paragraphs=[
                    _(
                        "St MBO heeft de stap ‘%(title)s’ van %(organisation)s bekeken en vraagt u iets aan te passen.",
                        title=title,
                        organisation=organisation.name,
                    )
                ],
                words=submission.feedback,
                words_heading=_("Wat St MBO vraagt:"),
                next_steps=[_("Pas de stap aan en dien hem opnieuw in. Wat u al had ingevuld, staat er nog.")],
                button=_("Naar de stap ‘%(title)s’", title=title),
                link=_step_link(organisation, step),
            )
        lines, button, link = _what_next(organisation, next_step)
        return _decision(
            user,
            _("De stap ‘%(title)s’ is goedgekeurd", title=title),
            paragraphs=[
                _(
                    "St MBO heeft de stap ‘%(title)s’ van %(organisation)s goedgekeurd.",
                    title=title,
                    organisation=organisation.name,
                )
            ],
            words=submission.feedback,
            words_heading=_("Opmerking van St MBO:"),
            next_steps=lines,
            button=button,
            link=link,
        )

    mail_organisation(organisation, kind="decision_step", key=f"{submission.id}:{submission.state.value}", build=build)


def staff_step_recorded(submission: StepSubmission, next_step: JourneyStep | None) -> None:
    progress: StepProgress = submission.progress
    organisation, step = progress.organisation, progress.step

    def build(user):
        title = localized(step, "title")
        lines, button, link = _what_next(organisation, next_step)
        return _decision(
            user,
            _("St MBO heeft de stap ‘%(title)s’ vastgelegd", title=title),
            paragraphs=[
                _(
                    "St MBO heeft vastgelegd dat de stap ‘%(title)s’ van %(organisation)s is afgerond.",
                    title=title,
                    organisation=organisation.name,
                )
            ],
            words=submission.statement,
            words_heading=_("Verslag van St MBO:"),
            next_steps=lines,
            button=button,
            link=link,
        )

    mail_organisation(organisation, kind="decision_recorded", key=str(submission.id), build=build)


def renewal_opens_on(organisation: Organisation) -> date | None:
    if organisation.label_valid_until is None:
        return None
    return statemachine.renewal_opens_on(organisation.label_valid_until, current_app.config["RENEWAL_OPENS_MONTHS"])


def label_awarded(organisation: Organisation, event_id: int, renewed: bool) -> None:
    def build(user):
        until = format_date(organisation.label_valid_until, "long")
        opens = format_date(renewal_opens_on(organisation), "long")
        if renewed:
            subject = _(
                "Het label Ondernemen met impact van %(organisation)s is verlengd", organisation=organisation.name
            )
            paragraphs = [
                _(
                    "St MBO heeft het label Ondernemen met impact van %(organisation)s verlengd. Het label is "
                    "nu geldig tot en met %(date)s.",
                    organisation=organisation.name,
                    date=until,
                )
            ]
            next_steps = [_("De volgende verlenging kunt u aanvragen vanaf %(date)s.", date=opens)]
        else:
            subject = _(
                "Gefeliciteerd: %(organisation)s heeft het label Ondernemen met impact", organisation=organisation.name
            )
            paragraphs = [
                _(
                    "Gefeliciteerd! St MBO heeft %(organisation)s het label Ondernemen met impact toegekend. "
                    "Het label is geldig tot en met %(date)s.",
                    organisation=organisation.name,
                    date=until,
                )
            ]
            next_steps = [
                _(
                    "Laat zien dat u het label heeft: op uw overzicht vindt u de openbare controlepagina "
                    "van uw label en een badge voor uw website."
                ),
                _("Verlengen kunt u aanvragen vanaf %(date)s.", date=opens),
            ]
        return _decision(
            user,
            subject,
            paragraphs=paragraphs,
            next_steps=next_steps,
            button=_("Naar uw overzicht"),
            link=public_url("home.dashboard"),
        )

    mail_organisation(organisation, kind="decision_label", key=str(event_id), build=build)


def label_revoked(organisation: Organisation, event_id: int) -> None:
    def build(user):
        return _decision(
            user,
            _("Het label Ondernemen met impact van %(organisation)s is ingetrokken", organisation=organisation.name),
            paragraphs=[
                _(
                    "St MBO heeft op %(date)s het label Ondernemen met impact van %(organisation)s ingetrokken.",
                    date=format_date(organisation.label_revoked_on, "long"),
                    organisation=organisation.name,
                )
            ],
            words=organisation.label_revoked_reason,
            words_heading=_("Reden van St MBO:"),
            next_steps=[
                _(
                    "U blijft partner van Ondernemen met impact. Wilt u het label opnieuw behalen? Neem contact "
                    "op met St MBO om te bespreken wat daarvoor nodig is; daarna vraagt u een nieuwe "
                    "beoordeling aan via uw overzicht."
                )
            ],
            button=_("Naar uw overzicht"),
            link=public_url("home.dashboard"),
        )

    mail_organisation(organisation, kind="decision_label", key=str(event_id), build=build)


def withdrawn(organisation: Organisation, reason: str, key: str) -> None:
    def build(user):
        return _decision(
            user,
            _("%(organisation)s is afgemeld bij Ondernemen met impact", organisation=organisation.name),
            paragraphs=[
                _(
                    "St MBO heeft %(organisation)s afgemeld als partner van Ondernemen met impact.",
                    organisation=organisation.name,
                )
            ],
            words=reason,
            words_heading=_("Reden:"),
            next_steps=[
                _("De stappen naar het label zijn gesloten. Was dit niet de bedoeling? Neem dan contact op met St MBO.")
            ],
            button=_("Naar uw overzicht"),
            link=public_url("home.dashboard"),
        )

    mail_organisation(organisation, kind="decision_withdrawn", key=key, build=build)
