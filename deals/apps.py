from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = _("Deal registration")

    def ready(self) -> None:
        from partners.onboarding.services import offer_event
        from partners.onboarding.triggers import PortalLink
        from prm.celery import register_beat
        from prm.notifications.events import subscribe
        from prm.portal import nav
        from prm.portal.home import register_card
        from prm.portal.mounts import mount
        from prm.tenancy import demo
        from prm.tenancy.capabilities import register_capabilities
        from prm.workspace.partner_page import register_partner_activity, register_partner_section
        from prm.workspace.todo import register_todo

        from . import (  # noqa: F401 - they register
            capabilities,
            events,
            metrics,
            notifications,
            phrases,
        )
        from .api import register as register_api
        from .demo import seed_deals
        from .home import deals_card
        from .overview import deals_of_partner, deals_section, leads_of_partner, leads_section
        from .services.partner_exit import deals_on_partner_status_changed
        from .setup import deal_defaults_ensure
        from .surveys import register_survey_trigger
        from .todo import decisions_todo, leads_todo

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)
        mount("deals/", "deals.urls")
        # /api/v1/deals/, /protected-accounts/, /leads/ (the scopes keys are given)
        register_api()
        # Overdue registration decisions, expiring protection, unanswered leads.
        register_beat("deals-sweep", task="deals.tasks.deals_sweep_all_task", schedule=15 * 60)
        # Onboarding steps may wait for a partner's first registration.
        offer_event(
            events.DEAL_REGISTERED.name,
            _("The partner registered a deal"),
            link=PortalLink("deals:create", _("Register a deal"), "portal.deals"),
        )
        demo.register_seeder(seed_deals, order=70)
        # PSAT: a survey may be sent to the owner of a decided registration.
        register_survey_trigger()

        # A partner deactivated or offboarded: release or freeze its claims (the tenant's rule).
        subscribe("partners.partner.status_changed", deals_on_partner_status_changed)
        # Every new tenant starts with settings and the standard rejection reasons.
        subscribe(
            "platform.tenant.created", lambda event: deal_defaults_ensure(tenant=event.tenant)
        )
        register_card(deals_card)
        register_todo(decisions_todo, capability="deals.approve", order=10)
        register_todo(leads_todo, capability="deals.view", order=40)
        register_partner_section(deals_section, capability="deals.view", order=10)
        register_partner_section(leads_section, capability="deals.view", order=30)
        register_partner_activity(deals_of_partner)
        register_partner_activity(leads_of_partner)
        nav.register(
            nav.NavItem(
                label=_("Deals"),
                url_name="deals:list",
                capability="portal.deals",
                icon="briefcase",
                order=30,
            )
        )
