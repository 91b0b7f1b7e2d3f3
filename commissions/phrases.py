"""How the commissions app's audit events read in history panels and the audit log
(`prm.audit.sentences`; the placeholders are the values each service records)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        # A: plans, the ledger's staff actions, adjustments, recalculation, settings
        "commissions.plan.created": Phrase(
            _("Commission plan created"), _("{actor} created the commission plan {object}")
        ),
        "commissions.plan.changed": Phrase(
            _("Commission plan changed"),
            _("{actor} published plan version {version}: the rate of {object} changes"),
        ),
        "commissions.version.drafted": Phrase(
            _("Plan version drafted"), _("{actor} drafted {object}")
        ),
        "commissions.version.changed": Phrase(
            _("Plan version changed"), _("{actor} changed the draft {object}")
        ),
        "commissions.version.published": Phrase(
            _("Plan version published"),
            _("{actor} published {object}, in force from {effective_from}"),
        ),
        "commissions.version.deleted": Phrase(
            _("Draft version deleted"), _("{actor} deleted the draft version {version} of {object}")
        ),
        "commissions.lines.approved": Phrase(
            _("Commission lines approved"), _("{actor} approved {count} commission lines")
        ),
        "commissions.recalc.posted": Phrase(
            _("Period recalculated"),
            _("{actor} recalculated {period}: {count} deals corrected"),
        ),
        "commissions.commissionsettings.changed": Phrase(
            _("Commission settings changed"), _("{actor} changed the commission settings")
        ),
        "commissions.line.accrued": Phrase(_("Commission accrued"), _("{deal} accrued {amount}")),
        "commissions.line.reversed": Phrase(
            _("Commission reversed"), _("{actor} reversed {object}: {amount}")
        ),
        "commissions.adjustment.posted": Phrase(
            _("Adjustment posted"), _("{actor} posted an adjustment of {amount}")
        ),
        # D: disputes
        "commissions.dispute.raised": Phrase(
            _("Line questioned"), _("{actor} questioned a commission line")
        ),
        "commissions.dispute.answered": Phrase(
            _("Question answered"), _("{actor} answered a question about a commission line")
        ),
        # C: incentives (SPIF awards, tier bonuses, rewards)
        "commissions.spif.created": Phrase(
            _("SPIF campaign created"), _("{actor} created the SPIF campaign {object}")
        ),
        "commissions.spif.earned": Phrase(
            _("SPIF earned"),
            _("{actor} applied {object}: {amount}"),
            by_system=_("{object} was applied: {amount}"),
        ),
        "commissions.spif.waiting": Phrase(
            _("SPIF award waiting for sign-off"),
            _("{object} waits for sign-off: {amount}"),
        ),
        "commissions.spif.declined": Phrase(
            _("SPIF award declined"), _("{actor} declined {object}")
        ),
        "commissions.spif.withdrawn": Phrase(
            _("SPIF award withdrawn"),
            _("{actor} withdrew {object}"),
            by_system=_("{object} was withdrawn"),
        ),
        "commissions.spif.over_budget": Phrase(
            _("SPIF budget used up"),
            _("{deal} met {object} but its budget could not pay {amount}"),
        ),
        "commissions.tier_bonus.earned": Phrase(
            _("Tier bonus earned"),
            _("{actor} paid {object} to {partner}: {amount}"),
            by_system=_("{object} was paid to {partner}: {amount}"),
        ),
        "commissions.reward.given": Phrase(
            _("Reward given"), _("{actor} gave {object} to {partner}")
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
