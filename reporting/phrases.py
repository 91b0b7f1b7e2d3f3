"""How the reporting app's audit events read in history panels and the audit log
(`prm.audit.sentences`; the placeholders are the values each service records)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        # C: KPI threshold alerts
        "reporting.alertrule.created": Phrase(
            _("Alert rule created"), _("{actor} created the alert rule {object}")
        ),
        "reporting.alertrule.changed": Phrase(
            _("Alert rule changed"), _("{actor} changed the alert rule {object}")
        ),
        "reporting.alertrule.deleted": Phrase(
            _("Alert rule deleted"), _("{actor} deleted the alert rule {object}")
        ),
        "reporting.alert.fired": Phrase(_("Alert fired"), _("The alert {object} fired")),
        "reporting.alert.resolved": Phrase(_("Alert resolved"), _("The alert {object} resolved")),
        "reporting.alert.reminded": Phrase(
            _("Owners reminded"), _("The owners of the alert {object} were reminded")
        ),
        "reporting.alert.acknowledged": Phrase(
            _("Alert acknowledged"), _("{actor} acknowledged the alert {object}")
        ),
        "reporting.alert.snoozed": Phrase(
            _("Alert snoozed"), _("{actor} snoozed the alert {object} until {snoozed_until}")
        ),
        # E: quarterly business reviews ({object} is the review: "Northwind 2026-07")
        "reporting.qbr.opened": Phrase(
            _("Review opened"), _("{actor} opened the business review {object}")
        ),
        "reporting.qbr.refreshed": Phrase(
            _("Figures refreshed"), _("{actor} refreshed the figures of the review {object}")
        ),
        "reporting.qbr.notes_changed": Phrase(
            _("Review text changed"), _("{actor} changed the highlights and roadblocks of {object}")
        ),
        "reporting.qbr.shared": Phrase(
            _("Review shared"), _("{actor} shared the review {object} with the partner")
        ),
        "reporting.qbr.finalised": Phrase(
            _("Review finalised"), _("{actor} finalised the review {object}")
        ),
        "reporting.qbr.commented": Phrase(
            _("Review commented"), _("{actor} commented on the review {object}")
        ),
        "reporting.qbr.action_added": Phrase(
            _("Action item added"), _("{actor} added an action item to {object}")
        ),
        "reporting.qbr.action_changed": Phrase(
            _("Action item changed"), _("{actor} changed an action item of {object}")
        ),
        "reporting.qbr.action_removed": Phrase(
            _("Action item removed"), _("{actor} removed an action item from {object}")
        ),
        "reporting.qbr_action.tracked": Phrase(
            _("Action item updated"), _("{actor} marked the action item {object}")
        ),
    }
)
