"""A form sent twice with its one-time token is handled once; the second send goes where the
first went (prm.submissions)."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import ProductFactory
from partners.models import PartnerType
from partners.tests.factories import PartnerFactory
from prm.submissions.middleware import OneSubmissionMiddleware
from prm.submissions.models import Submission
from prm.submissions.tasks import submissions_prune_task
from prm.submissions.tokens import FIELD, new_token
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import TenantFactory, partner_membership
from tests.html_forms import form_values
from tests.worlds import host_client_for

CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()


def registration(client, product) -> dict:  # type: ignore[no-untyped-def]
    """The deal form as the page gives it (its token included), filled in."""
    data = form_values(client.get("/deals/new/").content.decode(), containing="customer_name")
    data.update(
        {
            "customer_name": ["Datum Corporation"],
            "customer_website": ["adatum.example"],
            "country": ["US"],
            "contact_name": ["Ada Datum"],
            "contact_email": ["ada@adatum.example"],
            "products": [str(product.pk)],
            "amount": ["42000"],
            "expected_close_on": [CLOSE],
            "action": ["draft"],
        }
    )
    return data


def datum_drafts(tenant) -> list[Deal]:  # type: ignore[no-untyped-def]
    with scope(tenant=tenant):
        return list(Deal.objects.filter(tenant=tenant, customer_name="Datum Corporation"))


@pytest.fixture
def product(ours):  # type: ignore[no-untyped-def]
    with scope(tenant=ours.tenant):
        return ProductFactory(tenant=ours.tenant, name="Cloud Suite")


@pytest.mark.django_db
def test_a_registration_sent_twice_makes_one_draft_and_both_lead_to_it(ours, product, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    data = registration(client, product)
    assert data[FIELD][0], "the form carries a one-time token"
    first = client.post("/deals/new/", data)
    second = client.post("/deals/new/", data)
    [draft] = datum_drafts(ours.tenant)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/deals/{draft.pk}/"


@pytest.mark.django_db
def test_a_form_that_came_back_with_errors_is_sent_again_with_its_token(ours, product, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    data = registration(client, product)
    refused = client.post("/deals/new/", {**data, "customer_name": [""]})
    assert refused.status_code == 200
    assert refused.context["form"][FIELD].value() == data[FIELD][0], "the page keeps the token"
    assert client.post("/deals/new/", data).status_code == 302
    assert len(datum_drafts(ours.tenant)) == 1


@pytest.mark.django_db
def test_someone_elses_token_leads_only_to_their_own_result(ours, product, host_client):
    rep = host_client(ours.host, ours.members[Role.PARTNER_REP])
    other = host_client(ours.host, ours.other_partner_rep)
    data = registration(rep, product)
    mine = rep.post("/deals/new/", data)
    theirs = other.post("/deals/new/", {**registration(other, product), FIELD: data[FIELD]})
    assert mine["Location"] != theirs["Location"], "a copied token is a new form for another"
    assert len(datum_drafts(ours.tenant)) == 2


@pytest.mark.django_db
def test_an_admin_add_form_sent_twice_adds_one_row(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get("/admin/partners/partnertype/add/").content.decode()
    data = {**form_values(page, containing="name"), "name": ["Distributor"]}
    assert data[FIELD][0]
    responses = [client.post("/admin/partners/partnertype/add/", data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    with scope(tenant=ours.tenant):
        assert PartnerType.objects.filter(tenant=ours.tenant, name="Distributor").count() == 1
    # The admin's "add" page keeps no token on the change page of what it added.
    assert FIELD not in client.get(responses[0]["Location"]).content.decode()


def _middleware_call(view, token: str):  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/somewhere/", {FIELD: token}, HTTP_HOST="x.localhost")
    request.user = AnonymousUser()
    return OneSubmissionMiddleware(view)(request)


@pytest.mark.django_db
def test_a_view_that_fails_keeps_nothing_and_frees_its_token(ours):
    token = new_token()

    def failing(request):  # type: ignore[no-untyped-def]
        with scope(tenant=ours.tenant):
            PartnerType.objects.create(tenant=ours.tenant, name="Half saved")
        return HttpResponse(status=500)

    assert _middleware_call(failing, token).status_code == 500
    with scope(tenant=ours.tenant):
        assert not PartnerType.objects.filter(name="Half saved").exists()
    assert not Submission.objects.exists()
    assert _middleware_call(lambda r: HttpResponseRedirect("/done/"), token)["Location"] == "/done/"


@pytest.mark.django_db
def test_a_post_without_a_well_formed_token_is_handled_as_ever():
    calls = []

    def view(request):  # type: ignore[no-untyped-def]
        calls.append(1)
        return HttpResponseRedirect("/done/")

    for token in ("", "short", "x" * 65, "not a token!" * 3):
        _middleware_call(view, token)
    assert len(calls) == 4
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_claims_older_than_a_day_are_pruned():
    old = Submission.objects.create(key="a" * 64, redirect_to="/x/")
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    fresh = Submission.objects.create(key="b" * 64, redirect_to="/y/")
    assert submissions_prune_task() == 1
    assert list(Submission.objects.all()) == [fresh]


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("races")
def test_two_sends_of_one_form_at_the_same_moment_make_one_draft():
    """A double click whose two requests arrive together: both are held in front of their
    claim until both are there; the database lets one through, the other waits for it and is
    sent to the same draft."""
    tenant = TenantFactory()
    with scope(tenant=tenant):
        partner = PartnerFactory(tenant=tenant)
        rep = partner_membership(partner, Role.PARTNER_REP)
        product = ProductFactory(tenant=tenant, name="Cloud Suite")
    client = host_client_for(tenant.primary_domain.host, rep)
    data = registration(client, product)
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def send(i: int) -> None:
        held = False

        def hold_before_claim(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            nonlocal held
            if not held and sql.startswith('INSERT INTO "submissions_submission"'):
                held = True
                barrier.wait(timeout=15)
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(hold_before_claim):
                responses[i] = client.post("/deals/new/", data)
        except BaseException as exc:
            responses[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    [draft] = datum_drafts(tenant)
    assert [r.status_code for r in responses] == [302, 302], responses
    assert {r["Location"] for r in responses} == {f"/deals/{draft.pk}/"}
