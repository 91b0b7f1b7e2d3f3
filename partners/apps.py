from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from celery.schedules import crontab

        from prm.celery import register_beat
        from prm.notifications.events import subscribe
        from prm.notifications.reminders import register_reminder
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
            overview,
            phrases,
        )
        from .demo import (
            seed_agreement,
            seed_business_plan,
            seed_partners,
            seed_recruitment,
            seed_rules_and_profiles,
            seed_segments,
            seed_tiers,
        )
        from .home import agreement_card, cam_card, tier_card
        from .onboarding import reminders  # noqa: F401 - subscribes its events, registers itself
        from .onboarding.demo import seed_onboarding
        from .onboarding.portal import onboarding_card
        from .plans.reminders import overdue_milestones
        from .services import partner_types_ensure_defaults
        from .surveys import notifications as survey_notifications  # noqa: F401 - its rule
        from .surveys.demo import seed_surveys
        from .surveys.members import register_partner_triggers
        from .surveys.portal import surveys_card
        from .todo import applications_todo, onboarding_todo, tiers_todo

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)
        # The REST API's partner companies (prm.api): the scope, the viewset, and what webhooks
        # send of a partner.
        from prm.api.registry import register_representation, register_resource, register_viewset

        from .api.serializers import PartnerSerializer
        from .api.views import PartnerViewSet
        from .models import Partner

        register_resource(
            "partners",
            _("Partner companies"),
            _("Read partner companies; with write, create them and change their details."),
        )
        register_viewset("partners", PartnerViewSet)
        register_representation(Partner, PartnerSerializer)
        mount("program/", "partners.urls")
        mount("become-a-partner/", "partners.urls_recruitment")
        mount("surveys/", "partners.urls_surveys")
        # PSAT: the partners app's own triggers (the other apps register theirs), the results
        # pages in the admin UI, and the quarterly survey's daily check.
        from prm.workspace.sites import tenant_admin_site

        register_partner_triggers()
        tenant_admin_site.register_urls("partners/surveys/", "partners.admin.survey_urls")
        register_beat(
            "surveys-quarterly",
            task="partners.tasks.surveys_quarterly_all_task",
            schedule=crontab(hour=7, minute=15),
        )
        # Nightly: propose tier promotions and demotions for the CAMs to decide.
        register_beat(
            "tiers",
            task="partners.tasks.tiers_evaluate_all_task",
            schedule=crontab(hour=2, minute=30),
        )
        demo.register_seeder(seed_partners, order=10)
        demo.register_seeder(seed_segments, order=20)
        demo.register_seeder(seed_tiers, order=30)
        demo.register_seeder(seed_agreement, order=40)
        demo.register_seeder(seed_recruitment, order=50)
        demo.register_seeder(seed_rules_and_profiles, order=52)
        demo.register_seeder(seed_onboarding, order=55)
        demo.register_seeder(seed_business_plan, order=60)
        # after the memberships and every app's triggers (deals', mdf's) are in place
        demo.register_seeder(seed_surveys, order=98)
        register_card(agreement_card)
        register_card(onboarding_card)
        register_card(tier_card)
        register_card(cam_card, order=600)
        register_card(surveys_card, order=50)
        register_reminder(overdue_milestones)
        register_todo(tiers_todo, capability="partners.view", order=20)
        register_todo(onboarding_todo, capability="partners.view", order=30)
        register_todo(applications_todo, capability="partners.recruit", order=50)
        # The partner page: its sections, and the rows whose history is the partner's.
        for order, section in enumerate(
            [
                overview.profile_section,
                overview.cams_section,
                overview.tier_section,
                overview.users_section,
                overview.agreement_section,
            ]
        ):
            register_partner_section(section, order=10 + order)
        register_partner_section(overview.onboarding_section, order=20)
        register_partner_section(overview.plan_overview_section, order=40)
        register_partner_activity(overview.plans_of_partner)
        nav.register(
            nav.NavItem(
                label=_("My program"),
                url_name="partners:program",
                capability="portal.access",
                icon="compass",
                order=20,
            )
        )
        # In the footer: a survey is answered from its notification, its email or the home
        # card "1 survey waiting"; the page is for coming back to one.
        nav.register_footer(
            nav.NavItem(
                label=_("Surveys"),
                url_name="surveys:list",
                capability="portal.access",
                icon="chat-heart",
                order=90,
            )
        )
        nav.register_footer(
            nav.NavItem(
                label=_("Rules of engagement"),
                url_name="partners:rules",
                capability="portal.access",
                icon="signpost-2",
            )
        )
        # Every new tenant starts with the default partner types.
        subscribe(
            "platform.tenant.created",
            lambda event: partner_types_ensure_defaults(tenant=event.tenant),
        )
