"""The Inventarisatie: what the organisation already does, by theme.

The themes are the ones the programme names; answers are stored per
question key, so rewording a question keeps earlier answers attached.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

MAX_ANSWER_LENGTH = 4000


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    hint: str = ""


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    questions: tuple[Question, ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        "banen",
        _l("Goede banen voor mensen met een afstand tot de arbeidsmarkt"),
        (
            Question(
                "banen_nu",
                _l("Welke mensen met een afstand tot de arbeidsmarkt werken nu bij u, en in welke functies?"),
                _l("Bijvoorbeeld via een participatiebaan, jobcoach of proefplaatsing."),
            ),
            Question(
                "banen_perspectief", _l("Hoe geeft u hen perspectief: begeleiding, opleiding, een vast contract?")
            ),
        ),
    ),
    Theme(
        "leren",
        _l("Stages en leren-werken (BBL)"),
        (
            Question("leren_stages", _l("Hoeveel stage- en BBL-plaatsen biedt u per jaar, en voor welke opleidingen?")),
            Question("leren_jongeren", _l("Wat doet u om jongeren kennis te laten maken met techniek of uw vak?")),
        ),
    ),
    Theme(
        "inkoop",
        _l("Inkopen bij sociale ondernemingen"),
        (
            Question(
                "inkoop_nu",
                _l("Welke producten of diensten koopt u in bij sociale ondernemingen of sociale werkbedrijven?"),
            ),
        ),
    ),
    Theme(
        "vrijwilligers",
        _l("Vrijwilligerswerk en matches met maatschappelijke organisaties"),
        (
            Question(
                "vrijwilligers_nu",
                _l(
                    "Welke vrijwilligersinzet of matches (bijvoorbeeld via de Beursvloer) heeft uw organisatie het afgelopen jaar gedaan?"
                ),
            ),
        ),
    ),
    Theme(
        "bijdrage",
        _l("Andere maatschappelijke bijdrage aan de stad"),
        (Question("bijdrage_overig", _l("Wat doet uw organisatie verder voor de stad en haar inwoners?")),),
    ),
)

QUESTIONS: dict[str, Question] = {q.key: q for theme in THEMES for q in theme.questions}


def missing_answers(answers: dict) -> list[Question]:
    """The questions still without an answer."""
    return [q for q in QUESTIONS.values() if not str(answers.get(q.key, "")).strip()]
