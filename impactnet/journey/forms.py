from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_wtf.i18n import translations
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from impactnet.core.forms import select_choices, strip
from impactnet.core.locale import localized
from impactnet.journey.models import JourneyStep, StepKind, StepSubmission
from impactnet.journey.questionnaire import MAX_ANSWER_LENGTH, THEMES
from impactnet.journey.services import PlannedAction, StepInput, active_goals

MAX_ACTIONS = 10


class ActionForm(Form):
    """One concrete action of the impact plan; a row left empty is ignored."""

    class Meta:
        # A nested plain Form gets WTForms' own messages in Dutch too.
        def get_translations(self, form):
            return translations

    goal_id = SelectField(_l("Drechts Doel"), coerce=int, validators=[Optional()])
    description = TextAreaField(_l("Actie"), filters=[strip], validators=[Length(max=1000)])
    commitment = StringField(
        _l("Meetbare toezegging"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("Bijvoorbeeld: 2 BBL-plaatsen per jaar."),
    )
    target_date = DateField(_l("Streefdatum"), validators=[Optional()])

    def is_empty(self) -> bool:
        return not (self.description.data or self.commitment.data or self.target_date.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.is_empty():
            return True
        for name, message in (
            ("goal_id", _l("Kies een Drechts Doel.")),
            ("description", _l("Beschrijf de actie.")),
            ("commitment", _l("Vul een meetbare toezegging in.")),
            ("target_date", _l("Vul een streefdatum in.")),
        ):
            if not getattr(self, name).data:
                getattr(self, name).errors = [*getattr(self, name).errors, message]
        return not self.errors


class StepForm(FlaskForm):
    """The page of one step, as one form: the texts (which fields matter depends on the step's kind),
    a file to add, and save or hand in (every button saves what was typed)."""

    statement = TextAreaField(_l("Toelichting"), filters=[strip], validators=[Length(max=10_000)])
    actions = FieldList(FormField(ActionForm), label=_l("Acties"), min_entries=1, max_entries=MAX_ACTIONS)
    file = FileField(_l("Bestand toevoegen"), description=_l("PDF, PNG, JPEG, DOCX of XLSX."))
    upload = SubmitField(_l("Bestand toevoegen en opslaan"))
    save = SubmitField(_l("Opslaan als concept"))
    submit = SubmitField(_l("Indienen ter beoordeling"))

    def __init__(self, step: JourneyStep, submission: StepSubmission | None, *args, **kwargs):
        self.step = step
        if submission is not None and "formdata" not in kwargs:
            kwargs["data"] = {
                "statement": submission.statement,
                "actions": [
                    {
                        "goal_id": a.goal_id,
                        "description": a.description,
                        "commitment": a.commitment,
                        "target_date": a.target_date,
                    }
                    for a in submission.actions
                ],
                **{f"answer_{key}": value for key, value in (submission.answers or {}).items()},
            }
        super().__init__(*args, **kwargs)
        goals = select_choices((g.id, f"DDD {g.number}: {localized(g, 'title')}") for g in active_goals())
        if step.kind is StepKind.IMPACT_PLAN:
            # Every row there may be: a small script shows one empty row more at a time.
            while len(self.actions.entries) < MAX_ACTIONS:
                self.actions.append_entry()
        for entry in self.actions.entries:
            entry.form.goal_id.choices = select_choices([(0, "—")]) + goals

    def posted(self) -> bool:
        """Whether the request carried this form's texts (a button inside the form sent it)."""
        return bool(self.statement.raw_data)

    @property
    def uploaded(self):
        """The file sent with the form, or None."""
        data = self.file.data
        return data if data is not None and getattr(data, "filename", "") else None

    def _filled_actions(self) -> int:
        return sum(1 for entry in self.actions.entries if not entry.form.is_empty())

    @property
    def answer_fields(self):
        """(theme, [(question, field)]) for the questionnaire."""
        return [(theme, [(q, self[f"answer_{q.key}"]) for q in theme.questions]) for theme in THEMES]

    def validate_actions(self, field):
        if self.step.kind is StepKind.IMPACT_PLAN and self._filled_actions() > MAX_ACTIONS:
            raise ValidationError(_l("Hoogstens %(n)d acties per plan.", n=MAX_ACTIONS))

    def step_input(self) -> StepInput:
        answers = {q.key: self[f"answer_{q.key}"].data or "" for theme in THEMES for q in theme.questions}
        actions = tuple(
            PlannedAction(
                goal_id=e.form.goal_id.data,
                description=e.form.description.data,
                commitment=e.form.commitment.data,
                target_date=e.form.target_date.data,
            )
            for e in self.actions.entries
            if not e.form.is_empty()
        )
        return StepInput(statement=self.statement.data or "", answers=answers, actions=actions)


for _theme in THEMES:
    for _question in _theme.questions:
        setattr(
            StepForm,
            f"answer_{_question.key}",
            TextAreaField(
                _question.text, description=_question.hint, filters=[strip], validators=[Length(max=MAX_ANSWER_LENGTH)]
            ),
        )


class EvidenceForm(FlaskForm):
    file = FileField(
        _l("Bestand toevoegen"),
        validators=[FileRequired(_l("Kies een bestand."))],
        description=_l("PDF, PNG, JPEG, DOCX of XLSX."),
    )
    upload = SubmitField(_l("Uploaden"))


class DeleteForm(FlaskForm):
    delete = SubmitField(_l("Verwijderen"))


class StepTextForm(FlaskForm):
    """Staff edit how a step reads and when its reminder is due."""

    title = StringField(
        _l("Titel"), filters=[strip], validators=[DataRequired(_l("Vul een titel in.")), Length(max=100)]
    )
    explanation = TextAreaField(
        _l("Uitleg voor de ondernemer"),
        filters=[strip],
        validators=[DataRequired(_l("Vul een uitleg in.")), Length(max=5000)],
    )
    requirements = TextAreaField(_l("Wat moet worden ingeleverd"), filters=[strip], validators=[Length(max=2000)])
    title_en = StringField(
        _l("Titel in het Engels"),
        filters=[strip],
        validators=[Length(max=100)],
        description=_l("Leeg: Engelstalige pagina's tonen de Nederlandse tekst."),
    )
    explanation_en = TextAreaField(_l("Uitleg in het Engels"), filters=[strip], validators=[Length(max=5000)])
    requirements_en = TextAreaField(
        _l("Wat moet worden ingeleverd, in het Engels"), filters=[strip], validators=[Length(max=2000)]
    )
    evidence_required = BooleanField(_l("Minstens één bestand als bewijs verplicht"))
    reminder_days = IntegerField(
        _l("Herinnering na zoveel dagen stilstand"),
        validators=[
            # InputRequired, not DataRequired: 0 is input, and gets the range's message.
            InputRequired(_l("Vul een aantal dagen in.")),
            NumberRange(1, 365, _l("Kies 1 tot 365 dagen.")),
        ],
    )
    submit = SubmitField(_l("Opslaan"))


class GoalForm(FlaskForm):
    title = StringField(_l("Naam"), filters=[strip], validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)])
    description = TextAreaField(_l("Omschrijving"), filters=[strip], validators=[Length(max=2000)])
    title_en = StringField(
        _l("Naam in het Engels"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("Leeg: Engelstalige pagina's tonen de Nederlandse tekst."),
    )
    description_en = TextAreaField(_l("Omschrijving in het Engels"), filters=[strip], validators=[Length(max=2000)])
    active = BooleanField(_l("Actief (kan in impactplannen worden gekozen)"))
    submit = SubmitField(_l("Opslaan"))


class StepDocumentForm(FlaskForm):
    """Staff upload a version of a step's document (the partner agreement): a PDF per language."""

    language = SelectField(
        _l("Taal van het document"),
        choices=select_choices([("nl", _l("Nederlands")), ("en", _l("Engels"))]),
        validators=[DataRequired(_l("Kies een taal."))],
    )
    document = FileField(
        _l("PDF-bestand"),
        validators=[FileRequired(_l("Kies een PDF-bestand."))],
        render_kw={"accept": "application/pdf,.pdf"},
        description=_l(
            "Alleen PDF. Een nieuw bestand wordt de volgende versie; die krijgen partners voortaan aangeboden."
        ),
    )
    upload_document = SubmitField(_l("Document uploaden"))
