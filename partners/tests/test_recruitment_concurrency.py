"""Approving the same application twice at once, on real concurrent connections."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope

from partners.models import Application, Partner
from partners.recruitment import services as recruitment
from partners.tests.factories import ApplicationFactory
from prm.accounts.models import Invitation
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_create_exactly_one_partner(ours):
    """A double click, or two ops members approving at the same moment: each request runs on
    its own database connection; the application's row lock lets exactly one through."""
    with scope(tenant=ours.tenant):
        app = ApplicationFactory(
            tenant=ours.tenant, company_name="Race Co", contact_email="rita@race.example"
        )
    actors = [ours.members[Role.PARTNER_OPS], ours.members[Role.PROGRAM_LEADER]]
    start = threading.Barrier(len(actors))
    outcomes: list[str] = []

    def approve(actor):  # type: ignore[no-untyped-def]
        try:
            with scope(tenant=ours.tenant):
                start.wait(timeout=10)
                recruitment.application_approve(
                    actor=actor, application=Application(pk=app.pk, tenant=ours.tenant)
                )
            outcomes.append("approved")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=approve, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This application was already approved.", "approved"]
    with scope(tenant=ours.tenant):
        assert Partner.objects.filter(tenant=ours.tenant, name="Race Co").count() == 1
        assert Invitation.objects.filter(email="rita@race.example").count() == 1
        assert AuditEvent.objects.filter(action="partners.application.approved").count() == 1
        assert Application.objects.get(pk=app.pk).status == "approved"
