"""How the content library's audit events read (`prm.audit.sentences`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "training.asset.created": Phrase(_("Asset added"), _("{actor} added {object}")),
        "training.asset.changed": Phrase(_("Asset changed"), _("{actor} changed {object}")),
        "training.asset.published": Phrase(
            _("Asset published"), _("{actor} published {object} to the partners it targets")
        ),
        "training.asset.featured": Phrase(
            _("Asset featured"), _("{actor} featured {object} under Resources")
        ),
        "training.asset.unfeatured": Phrase(
            _("Asset no longer featured"), _("{actor} stopped featuring {object}")
        ),
        "training.asset.granted": Phrase(
            _("Asset granted"), _("{actor} made {object} visible to {partner}")
        ),
        "training.asset.revoked": Phrase(
            _("Asset access revoked"), _("{actor} took back {partner}'s access to {object}")
        ),
    }
)
