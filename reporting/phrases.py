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
    }
)
