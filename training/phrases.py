"""How the training app's audit events read in history panels and the audit log
(`prm.audit.sentences`; the placeholders are the values each service records)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "training.course.published": Phrase(
            _("Course published"), _("{actor} published version {version} of {object}")
        ),
        "training.course.started": Phrase(_("Course started"), _("{actor} started {object}")),
        "training.module.completed": Phrase(
            _("Module completed"), _("{actor} completed “{module}” of {object}")
        ),
        "training.course.passed": Phrase(_("Course passed"), _("{actor} passed {object}")),
    }
)
