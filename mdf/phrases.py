"""How the MDF app's audit events read in history panels and the audit log
(`prm.audit.sentences`; the placeholders are the values each service records in `after`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "mdf.fund.created": Phrase(_("Fund created"), _("{actor} created the fund {object}")),
        "mdf.fund.changed": Phrase(_("Fund changed"), _("{actor} changed the fund {object}")),
        "mdf.mdfsettings.changed": Phrase(
            _("MDF settings changed"), _("{actor} changed the MDF settings")
        ),
        "mdf.fund.window_opened": Phrase(
            _("Request window opened"),
            _("{actor} announced the request window of {object}"),
            by_system=_("The request window of {object} opened; its partners were told"),
        ),
        "mdf.allocation.changed": Phrase(
            _("Allocation set"), _("{actor} set the allocation {object} to {allocated}")
        ),
        "mdf.allocation.low": Phrase(
            _("Allocation running low"),
            _("{actor} warned that {object} is running low"),
            by_system=_("{object} is running low: the partner was told"),
        ),
        "mdf.request.created": Phrase(
            _("Request started"), _("{actor} started the request {object}")
        ),
        "mdf.request.changed": Phrase(_("Request changed"), _("{actor} changed {object}")),
        "mdf.request.submitted": Phrase(
            _("Request submitted"), _("{actor} submitted {object} for a decision")
        ),
        "mdf.request.withdrawn": Phrase(_("Request withdrawn"), _("{actor} withdrew {object}")),
        "mdf.request.info_requested": Phrase(
            _("More information requested"),
            _("{actor} asked the partner for more information on {object}"),
        ),
        "mdf.request.approved": Phrase(
            _("Request approved"), _("{actor} approved {object} for {approved_amount}")
        ),
        "mdf.request.second_approval": Phrase(
            _("Approved, second approval due"),
            _("{actor} approved {object} for {approved_amount}; a program leader approves it too"),
        ),
        "mdf.request.rejected": Phrase(_("Request rejected"), _("{actor} rejected {object}")),
        "mdf.request.declined": Phrase(_("Request declined"), _("{actor} declined {object}")),
        "mdf.request.escalated": Phrase(
            _("Decision overdue"),
            _("{actor} escalated the overdue decision on {object} (level {level})"),
            by_system=_(
                "The decision on {object} is overdue: it was escalated (level {level}: 1 tells "
                "the CAMs, 2 the program leaders)"
            ),
        ),
        "mdf.request.released": Phrase(
            _("Commitment released"), _("{actor} released {released} held by {object}")
        ),
        "mdf.claim.extended": Phrase(
            _("Claim deadline extended"),
            _("{actor} extended the claim deadline of {object} to {claim_due_on}"),
        ),
        "mdf.claim.reminded": Phrase(
            _("Claim reminder"),
            _("{actor} reminded the partner to claim {object}"),
            by_system=_("The partner was reminded to claim {object} (due {claim_due_on})"),
        ),
        "mdf.claim.created": Phrase(_("Claim started"), _("{actor} started the claim {object}")),
        "mdf.claim.changed": Phrase(_("Claim changed"), _("{actor} changed {object}")),
        "mdf.claim.submitted": Phrase(_("Claim filed"), _("{actor} filed {object}")),
        "mdf.claim.info_requested": Phrase(
            _("More information requested"),
            _("{actor} asked the partner for more information on {object}"),
        ),
        "mdf.claim.approved": Phrase(
            _("Claim approved"), _("{actor} approved {object} for {approved_amount}")
        ),
        "mdf.claim.rejected": Phrase(_("Claim rejected"), _("{actor} rejected {object}")),
        "mdf.claim.batched": Phrase(
            _("Added to a payment batch"), _("{actor} added {object} to the batch {batch}")
        ),
        "mdf.claim.paid": Phrase(
            _("Claim paid"), _("{actor} marked {object} paid on {paid_on}, reference {reference}")
        ),
        "mdf.batch.created": Phrase(
            _("Payment batch created"),
            _("{actor} gathered {claims} due claims in the payment batch {object}"),
        ),
        "mdf.batch.paid": Phrase(
            _("Payment batch paid"),
            _("{actor} marked {claims} claims of {object} paid from the accounts payable file"),
        ),
        "mdf.proof.added": Phrase(
            _("Proof attached"), _("{actor} attached {file} ({size}) to {object}")
        ),
        "mdf.proof.deleted": Phrase(_("Proof deleted"), _("{actor} deleted {file} from {object}")),
    }
)
