"""The deals app's part of the REST API (`prm.api`): registrations, protected accounts, leads."""


def register() -> None:
    """Declare the scopes, serve the viewsets and give the models their representation (called
    from `DealsConfig.ready()`)."""
    from django.utils.translation import gettext_lazy as _

    from prm.api.registry import register_representation, register_resource, register_viewset

    from ..models import Deal, Lead, ProtectedAccount
    from .serializers import DealSerializer, LeadSerializer, ProtectedAccountSerializer
    from .views import DealViewSet, LeadViewSet, ProtectedAccountViewSet

    register_resource(
        "deals",
        _("Deal registrations"),
        _("Read deal registrations; record their outcome (won, lost) from the CRM."),
    )
    register_resource(
        "accounts",
        _("Protected accounts and existing customers"),
        _("Read, upsert and delete the accounts registrations are checked against."),
    )
    register_resource("leads", _("Leads"), _("Read leads; create them and assign them."))
    register_viewset("deals", DealViewSet)
    register_viewset("protected-accounts", ProtectedAccountViewSet)
    register_viewset("leads", LeadViewSet)
    register_representation(Deal, DealSerializer)
    register_representation(ProtectedAccount, ProtectedAccountSerializer)
    register_representation(Lead, LeadSerializer)
