"""How quiz attempts read in history panels and the audit log (`prm.audit.sentences`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "training.quiz.passed": Phrase(
            _("Quiz passed"),
            _("{actor} passed “{quiz}” of {object} with {score} % (attempt {attempt})"),
        ),
        "training.quiz.edited": Phrase(
            _("Quiz edited"),
            _("{actor} edited the quiz “{quiz}” of {object} ({questions} questions)"),
        ),
        "training.quiz.failed": Phrase(
            _("Quiz failed"),
            _("{actor} scored {score} % on “{quiz}” of {object} (attempt {attempt})"),
        ),
    }
)
