"""What learning paths and certifications register with the core (called from
`training.apps.TrainingConfig.ready`)."""


def ready() -> None:
    from prm.notifications.events import subscribe
    from prm.portal.home import register_card
    from prm.portal.mounts import mount
    from prm.tenancy import demo

    from .. import events as training_events
    from . import admin, events, metrics, notifications, phrases, reminders  # noqa: F401
    from .demo import seed_paths
    from .home import expiring_card
    from .services import certifications_on_course_passed

    mount("learning/paths/", "training.paths.urls")
    mount("verify/", "training.paths.urls_verify")
    subscribe(training_events.COURSE_PASSED.name, certifications_on_course_passed)
    register_card(expiring_card, capability="portal.training", order=35)
    demo.register_seeder(seed_paths, order=85)
