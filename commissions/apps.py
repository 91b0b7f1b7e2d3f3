from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionsConfig(AppConfig):
    name = "commissions"
    verbose_name = _("Commissions")

    def ready(self) -> None:
        from prm.notifications.events import subscribe
        from prm.tenancy.capabilities import register_capabilities

        from . import capabilities, events, phrases  # noqa: F401 - they register
        from .accrual import on_deal_amount_changed, on_deal_lost, on_deal_reopened, on_deal_won
        from .setup import commissions_defaults_ensure

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)
        subscribe(
            "platform.tenant.created",
            lambda event: commissions_defaults_ensure(tenant=event.tenant),
        )
        # The deal's outcome, in the transaction that changed it (accrual.py).
        subscribe("deals.deal.won", on_deal_won)
        subscribe("deals.deal.amount_changed", on_deal_amount_changed)
        subscribe("deals.deal.lost", on_deal_lost)
        subscribe("deals.deal.reopened", on_deal_reopened)

        # C: incentives -- SPIF awards on the deal's outcome (after the accrual above), the
        # sign-off to-do card, notifications, the partner page's reward action, the metric.
        from prm.workspace.todo import register_todo

        from .incentives import handlers as incentive_handlers
        from .incentives import notifications as incentive_notifications  # noqa: F401
        from .incentives.todo import spif_awards_todo

        subscribe("deals.deal.won", incentive_handlers.on_deal_won)
        subscribe("deals.deal.lost", incentive_handlers.on_deal_lost)
        subscribe("deals.deal.reopened", incentive_handlers.on_deal_reopened)
        register_todo(spif_awards_todo, capability="commissions.approve", order=17)
        from prm.celery import register_beat
        from prm.workspace.partner_page import register_partner_activity, register_partner_section

        from .incentives.overview import rewards_of_partner, rewards_section

        register_partner_section(rewards_section, capability="commissions.manage", order=60)
        register_partner_activity(rewards_of_partner)
        from . import metrics  # noqa: F401 - registers commissions.incentives_paid (and D's)

        register_beat(
            "commissions-tier-bonuses",
            task="commissions.tasks.tier_bonuses_all_task",
            schedule=24 * 60 * 60,
        )
        # C: incentives -- the portal's earnings pages; part D mounts them too (the lead keeps
        # one mount).
        from prm.portal.mounts import mount

        mount("earnings/", "commissions.urls")
