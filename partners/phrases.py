"""How the partners app's audit events read in history panels and the audit log
(`prm.audit.sentences`; the placeholders are the values each service records)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        # Companies
        "partners.partner.created": Phrase(_("Partner created"), _("{actor} created {object}")),
        "partners.partner.changed": Phrase(_("Partner changed"), _("{actor} changed {object}")),
        "partners.partner.status_changed": Phrase(
            _("Partner status changed"),
            _("{actor} moved {object} from {old_status} to {status}"),
        ),
        "partners.partner.cams_assigned": Phrase(
            _("Channel account managers assigned"),
            _("{actor} set the channel account managers of {object}: {cams}"),
        ),
        "partners.partner.profile_changed": Phrase(
            _("Company profile changed"),
            _("{actor} changed the company profile of {object}"),
        ),
        "partners.rulesofengagement.changed": Phrase(
            _("Rules of engagement changed"),
            _("{actor} changed the rules of engagement partners read in the portal"),
        ),
        "partners.partner.imported": Phrase(
            _("Partners imported"), _("{actor} imported {count} partners from {file}")
        ),
        # Tiers
        "partners.tier.confirmed": Phrase(
            _("Tier change confirmed"), _("{actor} moved {object} from {old_tier} to {tier}")
        ),
        "partners.tier.dismissed": Phrase(
            _("Tier proposal dismissed"),
            _("{actor} dismissed a tier proposal for {object}: it stays {tier}"),
        ),
        # Agreements
        "partners.agreement.published": Phrase(
            _("Agreement published"),
            _("{actor} published version {version} of the partner agreement"),
        ),
        "partners.agreement.accepted": Phrase(
            _("Agreement accepted"),
            _("{actor} accepted version {version} of the partner agreement for {object}"),
        ),
        # Recruitment
        "partners.application.received": Phrase(
            _("Application received"),
            _("{company} applied to join the program ({email}, score {score})"),
        ),
        "partners.application.rescored": Phrase(
            _("Application rescored"), _("{actor} rescored the application of {object}")
        ),
        "partners.application.approved": Phrase(
            _("Application approved"),
            _("{actor} approved the application of {object}: the partner {partner} exists"),
        ),
        "partners.application.declined": Phrase(
            _("Application declined"), _("{actor} declined the application of {object}")
        ),
        # Onboarding
        "partners.onboarding.started": Phrase(
            _("Onboarding started"),
            _("{actor} started the onboarding of {object} on the plan “{plan}”"),
            by_system=_("{object} started onboarding on the plan “{plan}”"),
            hidden=("started_at",),
        ),
        "partners.onboarding.plan_changed": Phrase(
            _("Onboarding plan changed"),
            _("{actor} moved {object} from the plan “{old_plan}” to “{plan}”"),
            by_system=_("{object} moved from the plan “{old_plan}” to “{plan}”"),
        ),
        "partners.onboarding.step_completed": Phrase(
            _("Onboarding step done"),
            _("{actor} ticked the onboarding step “{step}” of {object}"),
            by_system=_("{object} completed the onboarding step “{step}”"),
            # ticked by its event: what the partner did, not a tick by hand
            when_recorded={"event": _("{object} completed the onboarding step “{step}”")},
            hidden=("event", "completed_at"),
        ),
        "partners.onboarding.step_unticked": Phrase(
            _("Onboarding step unticked"),
            _("{actor} unticked the onboarding step “{old_step}” of {object}"),
            hidden=("completed_at",),
        ),
        "partners.onboarding.completed": Phrase(
            _("Onboarding completed"),
            _("{actor} completed the onboarding of {object} (plan “{plan}”, {days} days)"),
            by_system=_("{object} completed its onboarding (plan “{plan}”, {days} days)"),
        ),
        # Joint business plans: `by` is the side the change came from
        "partners.plan.created": Phrase(
            _("Business plan created"), _("{actor} ({by}) created the business plan {object}")
        ),
        "partners.plan.summary_changed": Phrase(
            _("Business plan strategy changed"),
            _("{actor} ({by}) rewrote the strategy of {object}"),
        ),
        "partners.plan.goal_added": Phrase(
            _("Goal added"), _("{actor} ({by}) added the goal {goal}: {target} to {object}")
        ),
        "partners.plan.goal_changed": Phrase(
            _("Goal changed"), _("{actor} ({by}) changed the goal {goal} of {object}")
        ),
        "partners.plan.goal_removed": Phrase(
            _("Goal removed"), _("{actor} ({by}) removed the goal {old_goal} from {object}")
        ),
        "partners.plan.milestone_added": Phrase(
            _("Milestone added"),
            _("{actor} ({by}) added the milestone “{milestone}” to {object}, due {due_on}"),
        ),
        "partners.plan.milestone_changed": Phrase(
            _("Milestone changed"),
            _("{actor} ({by}) changed the milestone “{milestone}” of {object}"),
        ),
        "partners.plan.milestone_done": Phrase(
            _("Milestone done"),
            _("{actor} ({by}) marked the milestone “{milestone}” of {object} done on {done_on}"),
        ),
        "partners.plan.milestone_reopened": Phrase(
            _("Milestone reopened"),
            _("{actor} ({by}) reopened the milestone “{milestone}” of {object}"),
        ),
        "partners.plan.milestone_removed": Phrase(
            _("Milestone removed"),
            _("{actor} ({by}) removed the milestone “{old_milestone}” from {object}"),
        ),
        "partners.partnersettings.changed": Phrase(
            _("Partner program settings changed"),
            _("{actor} changed the partner program settings"),
        ),
    }
)
