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

        # B: statements -- the portal's earnings pages (part D mounts the same: the lead keeps
        # one), the staff home's to-do cards, and beat drafting each period's statements.
        from prm.celery import register_beat
        from prm.jobs.registry import register_job
        from prm.portal.mounts import mount
        from prm.workspace.todo import register_todo

        from . import statement_notifications  # noqa: F401 - its rules register
        from .jobs import CLOSE_PERIOD
        from .todo import payouts_todo, statements_todo

        mount("earnings/", "commissions.urls")
        register_job(CLOSE_PERIOD)  # closing a period runs in the background, with progress
        register_todo(statements_todo, capability="commissions.approve", order=46)
        register_todo(payouts_todo, capability="commissions.pay", order=47)
        register_beat(
            "commissions-statements",
            task="commissions.tasks.statements_draft_all_task",
            schedule=60 * 60,
        )
