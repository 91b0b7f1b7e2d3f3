"""Reading recruitment: a tenant's "Become a partner" settings.

The writes are in `partners.recruitment.services`.
"""

from prm.tenancy.models import Tenant

from ..models import RecruitmentSettings


def recruitment_settings_for(tenant: Tenant) -> RecruitmentSettings:
    """The tenant's settings; an unsaved closed default when it never set them."""
    found = RecruitmentSettings.objects.filter(tenant=tenant).first()
    return found or RecruitmentSettings(tenant=tenant)
