from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from partners.onboarding.services import offer_event
        from partners.onboarding.triggers import PortalLink
        from prm.notifications.events import subscribe
        from prm.portal import nav
        from prm.portal.home import register_card
        from prm.portal.mounts import mount
        from prm.tenancy import demo
        from prm.tenancy.capabilities import register_capabilities
        from prm.workspace.partner_page import register_partner_section
        from prm.workspace.sites import tenant_admin_site
        from prm.workspace.todo import register_todo

        from . import (  # noqa: F401 - they register
            capabilities,
            enrolments_admin,  # the enrolments list behind the training metrics
            events,
            metrics,
            notifications,
            phrases,
            reminders,
        )
        from .demo import seed_training
        from .home import learning_card
        from .library import admin as library_admin  # noqa: F401 - registers the asset admin
        from .library import events as library_events  # noqa: F401 - declares
        from .library import phrases as library_phrases  # noqa: F401 - registers
        from .library.demo import seed_library
        from .library.todo import review_todo
        from .overview import training_section
        from .quizzes import notifications as quiz_notifications  # noqa: F401 - it registers
        from .quizzes import phrases as quiz_phrases  # noqa: F401 - it registers
        from .reports.demo import seed_completion
        from .setup import training_defaults_ensure

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)
        # The completion report (per course, tier and partner, with CSV) in the admin UI.
        tenant_admin_site.register_urls("training/reports/", "training.reports.urls")
        mount("learning/", "training.urls")
        subscribe(
            "platform.tenant.created", lambda event: training_defaults_ensure(tenant=event.tenant)
        )
        # Onboarding steps may wait for a partner's user to pass a course.
        offer_event(
            events.COURSE_PASSED.name,
            _("A user of the partner passed a course"),
            link=PortalLink("training:learning", _("Start learning"), "portal.training"),
        )
        demo.register_seeder(seed_training, order=80)
        demo.register_seeder(seed_completion, order=88)
        register_card(learning_card, capability="portal.training", order=40)
        register_partner_section(training_section, capability="training.view", order=40)
        nav.register(
            nav.NavItem(
                label=_("Learning"),
                url_name="training:learning",
                capability="portal.training",
                icon="mortarboard",
                order=40,
            )
        )
        from .paths import wiring as paths_wiring

        paths_wiring.ready()  # learning paths and certifications
        # The content library (`training.library`): Resources in the portal.
        mount("resources/", "training.library.urls")
        demo.register_seeder(seed_library, order=90)
        register_todo(review_todo, capability="training.manage", order=70)
        nav.register(
            nav.NavItem(
                label=_("Resources"),
                url_name="library:resources",
                capability="portal.training",
                icon="folder2-open",
                order=45,
            )
        )
