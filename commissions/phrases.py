"""How the commissions app's audit events read in history panels and the audit log
(`prm.audit.sentences`; the placeholders are the values each service records)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "commissions.line.accrued": Phrase(
            _("Commission accrued"), _("{deal} accrued {amount} {currency}")
        ),
        "commissions.line.reversed": Phrase(
            _("Commission reversed"), _("{actor} reversed {object}: {amount} {currency}")
        ),
        "commissions.adjustment.posted": Phrase(
            _("Adjustment posted"), _("{actor} posted an adjustment of {amount} {currency}")
        ),
        # D: disputes
        "commissions.dispute.raised": Phrase(
            _("Line questioned"), _("{actor} questioned a commission line")
        ),
        "commissions.dispute.answered": Phrase(
            _("Question answered"), _("{actor} answered a question about a commission line")
        ),
    }
)
