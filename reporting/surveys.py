"""The PSAT survey business reviews offer: once a QBR is held (finalised), the partner's admins
are asked (registered from apps.py in partners' survey registry, `partners.surveys.triggers`)."""

from django.utils.translation import gettext_lazy as _

from partners.surveys.members import partner_admins
from partners.surveys.triggers import SurveyTrigger, register

from .qbrs.events import QBR_FINALISED


def register_survey_trigger() -> None:
    register(
        SurveyTrigger(
            name="reporting.qbr_held",
            label=_("After a business review is held"),
            event=QBR_FINALISED.name,
            members=partner_admins,
        )
    )
