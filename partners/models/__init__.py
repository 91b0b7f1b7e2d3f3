"""The partners app's models, one module per area of the program; every model is importable
from here (`from partners.models import Partner`)."""

from .agreements import AgreementAcceptance, AgreementVersion
from .companies import Partner, PartnerType
from .onboarding import OnboardingPlan, OnboardingStep, PartnerOnboarding, StepCompletion
from .plans import BusinessPlan, PlanGoal, PlanMilestone
from .recruitment import Application, ApplicationField, ProfileCriterion, RecruitmentSettings
from .segments import Segment
from .settings import PartnerSettings, RulesOfEngagement
from .surveys import Survey, SurveyAnswer, SurveyRequest
from .tiers import Tier, TierProposal, TierRequirement

__all__ = [
    "AgreementAcceptance",
    "AgreementVersion",
    "Application",
    "ApplicationField",
    "BusinessPlan",
    "OnboardingPlan",
    "OnboardingStep",
    "Partner",
    "PartnerOnboarding",
    "PartnerSettings",
    "PartnerType",
    "PlanGoal",
    "PlanMilestone",
    "ProfileCriterion",
    "RecruitmentSettings",
    "RulesOfEngagement",
    "Segment",
    "StepCompletion",
    "Survey",
    "SurveyAnswer",
    "SurveyRequest",
    "Tier",
    "TierProposal",
    "TierRequirement",
]
