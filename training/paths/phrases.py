"""How the audit events of paths and certifications read (`prm.audit.sentences`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "training.path.published": Phrase(_("Path published"), _("{actor} published {object}")),
        "training.path.unpublished": Phrase(
            _("Path unpublished"), _("{actor} took {object} back to draft")
        ),
        "training.path.course_required": Phrase(
            _("Course required"), _("{actor} made “{course}” required in {object}")
        ),
        "training.certification.earned": Phrase(
            _("Certification earned"), _("{actor} earned {object}")
        ),
        "training.certification.revoked": Phrase(
            _("Certification revoked"), _("{actor} revoked {object}")
        ),
    }
)
