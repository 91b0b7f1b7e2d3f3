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
        # The REST API's ledger and statements (prm.api), read only; what webhooks send.
        from prm.api.registry import register_representation, register_resource, register_viewset

        from .api.serializers import LineSerializer, StatementSerializer
        from .api.views import LineViewSet, StatementViewSet
        from .models import Line, Statement

        register_resource(
            "commissions",
            _("Commission ledger and statements"),
            _("Read the commission ledger's lines and the partners' statements."),
            read_only=True,
        )
        register_viewset("commissions/ledger", LineViewSet)
        register_viewset("commissions/statements", StatementViewSet)
        register_representation(Line, LineSerializer)
        register_representation(Statement, StatementSerializer)
        # The demo: the plans before the deals demo (its wins accrue as they happen), the
        # statements, the SPIF, a dispute and rewards after the MDF demo.
        from prm.tenancy import demo

        from .demo import seed_commission_plans, seed_commissions

        demo.register_seeder(seed_commission_plans, order=65)
        demo.register_seeder(seed_commissions, order=96)
        subscribe(
            "platform.tenant.created",
            lambda event: commissions_defaults_ensure(tenant=event.tenant),
        )
        # The deal's outcome, in the transaction that changed it (accrual.py).
        subscribe("deals.deal.won", on_deal_won)
        subscribe("deals.deal.amount_changed", on_deal_amount_changed)
        subscribe("deals.deal.lost", on_deal_lost)
        subscribe("deals.deal.reopened", on_deal_reopened)

        # The money view: the money source, the portal's Earnings pages (mounted once here),
        # their navigation and home card, disputes (to-do card), the partner page's section,
        # the notification rules of every commissions event and the metrics.
        from prm.earnings import register_money_source
        from prm.portal import nav
        from prm.portal.home import register_card
        from prm.portal.mounts import mount
        from prm.workspace.partner_page import register_partner_activity, register_partner_section
        from prm.workspace.todo import register_todo

        from . import metrics, notifications  # noqa: F401 - they register
        from .disputes_todo import disputes_todo
        from .earnings import COMMISSIONS_SOURCE
        from .home import earnings_card
        from .overview import disputes_of_partner, earnings_section
        from .portal import sees_earnings

        register_money_source(COMMISSIONS_SOURCE)
        register_todo(disputes_todo, capability="commissions.approve", order=48)
        register_partner_section(earnings_section, capability="commissions.view", order=28)
        register_partner_activity(disputes_of_partner)
        mount("earnings/", "commissions.urls")
        register_card(earnings_card, capability="portal.earnings", order=35)
        nav.register(
            nav.NavItem(
                label=_("Earnings"),
                url_name="commissions:money",
                capability="portal.earnings",
                icon="cash-coin",
                order=55,
                visible=sees_earnings,
            )
        )

        # Incentives: SPIF awards on the deal's outcome (after the accrual above), the sign-off
        # to-do card, the partner page's rewards, beat paying tier bonuses.
        from prm.celery import register_beat

        from .incentives import handlers as incentive_handlers
        from .incentives.overview import rewards_of_partner, rewards_section
        from .incentives.todo import spif_awards_todo

        subscribe("deals.deal.won", incentive_handlers.on_deal_won)
        subscribe("deals.deal.lost", incentive_handlers.on_deal_lost)
        subscribe("deals.deal.reopened", incentive_handlers.on_deal_reopened)
        register_todo(spif_awards_todo, capability="commissions.approve", order=17)
        register_partner_section(rewards_section, capability="commissions.manage", order=60)
        register_partner_activity(rewards_of_partner)
        register_beat(
            "commissions-tier-bonuses",
            task="commissions.tasks.tier_bonuses_all_task",
            schedule=24 * 60 * 60,
        )

        # Statements: the staff home's to-do cards, beat drafting each period's statements, and
        # closing a period as a background job.
        from prm.jobs.registry import register_job

        from .jobs import CLOSE_PERIOD
        from .todo import payouts_todo, statements_todo

        register_job(CLOSE_PERIOD)  # closing a period runs in the background, with progress
        register_todo(statements_todo, capability="commissions.approve", order=46)
        register_todo(payouts_todo, capability="commissions.pay", order=47)
        register_beat(
            "commissions-statements",
            task="commissions.tasks.statements_draft_all_task",
            schedule=60 * 60,
        )
