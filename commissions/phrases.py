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
        # B: statements and payouts
        "commissions.statement.drafted": Phrase(
            _("Statement drafted"), _("{actor} drafted {object} for the period ending {period_end}")
        ),
        "commissions.statement.refreshed": Phrase(
            _("Statement refreshed"),
            _("{actor} added the lines approved since to {object} (period ending {period_end})"),
        ),
        "commissions.statement.ready": Phrase(
            _("Statement approved"), _("{actor} approved {object}")
        ),
        "commissions.statement.batched": Phrase(
            _("Added to a payout batch"), _("{actor} added {object} to the payout batch {batch}")
        ),
        "commissions.statement.paid": Phrase(
            _("Statement paid"),
            _("{actor} marked {object} paid on {paid_on}, reference {reference}"),
        ),
        "commissions.batch.created": Phrase(
            _("Payout batch created"),
            _("{actor} gathered {statements} approved statements in the payout batch {object}"),
        ),
        "commissions.batch.paid": Phrase(
            _("Payout batch paid"),
            _("{actor} marked {statements} statements of {object} paid from the paid file"),
        ),
    }
)
