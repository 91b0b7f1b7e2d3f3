"""How the deals app's audit events read in history panels and the audit log
(`prm.audit.sentences`; the placeholders are the values each service records)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "deals.deal.created": Phrase(
            _("Registration started"), _("{actor} started the registration {object} ({amount})")
        ),
        "deals.deal.changed": Phrase(
            _("Registration changed"), _("{actor} changed the registration {object}")
        ),
        "deals.deal.submitted": Phrase(
            _("Registration submitted"), _("{actor} submitted {object} for a decision")
        ),
        "deals.deal.withdrawn": Phrase(_("Registration withdrawn"), _("{actor} withdrew {object}")),
        "deals.deal.approved": Phrase(
            _("Registration approved"),
            _("{actor} approved {object}: protected until {expires_at}"),
        ),
        "deals.deal.rejected": Phrase(_("Registration rejected"), _("{actor} rejected {object}")),
        "deals.deal.info_requested": Phrase(
            _("More information requested"),
            _("{actor} asked the partner for more information on {object}"),
        ),
        "deals.deal.won": Phrase(
            _("Deal won"), _("{actor} marked {object} won on {closed_on} ({final_amount})")
        ),
        "deals.deal.lost": Phrase(_("Deal lost"), _("{actor} marked {object} lost")),
        "deals.deal.amount_changed": Phrase(
            _("Final amount corrected"),
            _("{actor} corrected the final amount of {object} to {final_amount}"),
        ),
        "deals.deal.reopened": Phrase(_("Deal reopened"), _("{actor} reopened {object}")),
        "deals.deal.expired": Phrase(
            _("Protection ended"),
            _("{actor} ended the protection of {object}"),
            by_system=_("The protection of {object} ended"),
        ),
        "deals.deal.escalated": Phrase(
            _("Decision overdue"),
            _("{actor} escalated the overdue decision on {object} (level {level})"),
            by_system=_(
                "The decision on {object} is overdue: it was escalated (level {level}: 1 tells "
                "the CAMs, 2 the program leaders)"
            ),
        ),
        "deals.extension.requested": Phrase(
            _("Extension requested"),
            _("{actor} asked to protect {object} for {days} more days"),
        ),
        "deals.extension.approved": Phrase(
            _("Extension approved"),
            _("{actor} extended the protection of {object} from {old_expires_at} to {expires_at}"),
        ),
        "deals.extension.declined": Phrase(
            _("Extension declined"), _("{actor} declined to extend the protection of {object}")
        ),
        "deals.deal.commented": Phrase(_("Comment"), _("{actor} wrote in the thread of {object}")),
        "deals.attachment.added": Phrase(
            _("File attached"), _("{actor} attached {file} ({kind}, {size}) to {object}")
        ),
        "deals.attachment.deleted": Phrase(
            _("File deleted"), _("{actor} deleted the file {file} ({kind}) from {object}")
        ),
        "deals.lead.created": Phrase(_("Lead added"), _("{actor} added the lead {object}")),
        "deals.lead.assigned": Phrase(
            _("Lead assigned"), _("{actor} assigned the lead {object} to {partner}")
        ),
        "deals.lead.accepted": Phrase(
            _("Lead accepted"), _("{actor} accepted the lead {object}: it became {deal}")
        ),
        "deals.lead.declined": Phrase(_("Lead declined"), _("{actor} declined the lead {object}")),
        "deals.lead.expired": Phrase(
            _("Lead returned"),
            _("{actor} returned the lead {object} to the queue"),
            by_system=_(
                "{partner} did not answer the lead {object} in time: it is back in the queue"
            ),
        ),
        "deals.protectedaccount.imported": Phrase(
            _("Protected accounts imported"),
            _("{actor} imported protected accounts from {file}: {created} new, {updated} updated"),
        ),
        "deals.protectedaccount.deleted": Phrase(
            _("Protected accounts deleted"),
            _("{actor} deleted {deleted} protected accounts through {source}"),
        ),
        "deals.protectedaccount.removed": Phrase(
            _("Protected account deleted"), _("{actor} deleted the protected account {object}")
        ),
    }
)
