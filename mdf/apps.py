from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MdfConfig(AppConfig):
    name = "mdf"
    verbose_name = _("Market development funds")

    def ready(self) -> None:
        from prm.notifications.events import subscribe
        from prm.tenancy.capabilities import register_capabilities

        from . import capabilities, events, phrases  # noqa: F401 - they register
        from .setup import mdf_defaults_ensure

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)
        # The REST API's MDF requests and claims (prm.api), read only; what webhooks send.
        from prm.api.registry import register_representation, register_resource, register_viewset

        from .api.serializers import ClaimSerializer, MdfRequestSerializer
        from .api.views import ClaimViewSet, MdfRequestViewSet
        from .models import Claim, MdfRequest

        register_resource(
            "mdf",
            _("MDF requests and claims"),
            _("Read MDF requests and claims, their amounts and decisions."),
            read_only=True,
        )
        register_viewset("mdf/requests", MdfRequestViewSet)
        register_viewset("mdf/claims", ClaimViewSet)
        register_representation(MdfRequest, MdfRequestSerializer)
        register_representation(Claim, ClaimSerializer)
        # The demo's funds, requests, claims and payment (after deals: a campaign's won deal).
        from prm.tenancy import demo

        from .demo import seed_mdf

        demo.register_seeder(seed_mdf, order=95)
        subscribe("platform.tenant.created", lambda event: mdf_defaults_ensure(tenant=event.tenant))

        # Part D: notifications, beat, the partner page's MDF section.
        from prm.celery import register_beat
        from prm.workspace.partner_page import register_partner_activity, register_partner_section

        from . import notifications  # noqa: F401 - its rules register
        from .overview import (
            allocations_of_partner,
            claims_of_partner,
            mdf_section,
            requests_of_partner,
        )

        # PSAT: a survey may be sent to whoever filed a claim, once it is paid.
        from .surveys import register_survey_trigger

        register_survey_trigger()
        register_beat("mdf-sweep", task="mdf.tasks.mdf_sweep_all_task", schedule=15 * 60)
        register_partner_section(mdf_section, capability="mdf.view", order=25)
        register_partner_activity(requests_of_partner)
        register_partner_activity(claims_of_partner)
        register_partner_activity(allocations_of_partner)

        # MDF: review (part C): the to-do cards of the staff home
        from prm.workspace.todo import register_todo

        from .todo import claims_todo, payments_todo, requests_todo

        register_todo(requests_todo, capability="mdf.approve", order=15)
        register_todo(claims_todo, capability="mdf.approve", order=16)
        register_todo(payments_todo, capability="mdf.pay", order=45)

        # MDF: portal (part B): the Funds pages, their navigation and home card.
        from prm.portal import nav
        from prm.portal.home import register_card
        from prm.portal.mounts import mount

        from .home import funds_card

        mount("funds/", "mdf.urls")
        register_card(funds_card, capability="portal.mdf", order=45)
        nav.register(
            nav.NavItem(
                label=_("Funds"),
                url_name="mdf:funds",
                capability="portal.mdf",
                icon="piggy-bank",
                order=50,
            )
        )
        # Part A: funds and allocations -- the metrics (mdf.allocated, committed, reimbursed,
        # utilisation, roi) in the core registry.
        # Money sources (issue 16): MDF reimbursements in the partner's money view.
        from prm.earnings import register_money_source

        from . import metrics  # noqa: F401 - registers them
        from .earnings import MDF_SOURCE

        register_money_source(MDF_SOURCE)
