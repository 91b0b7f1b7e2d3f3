"""Every tenant URL, requested by every kind of visitor (the cases live in matrix.py).

- a member of our tenant gets what their role's capabilities allow: served, 403, or (vendor staff
  on a partner-portal page) sent to the admin UI;
- anonymous visitors are sent to sign in;
- object ids of the other tenant answer 404, on either host, exactly like ids that do not exist;
- the other tenant's members are strangers on our host;
- one partner company's users get 404 for another company's objects.
"""

from typing import Any

import pytest
from django.urls import reverse

from prm.tenancy.capabilities import role_has
from prm.tenancy.roles import PEOPLE_ROLES, VENDOR_ROLES, Role

from .matrix import Case, all_cases

CASES = all_cases()
OBJECT_CASES = [c for c in CASES if c.object_url]
PARTNER_CASES = [c for c in CASES if c.other_partner_kwargs]
# People's roles: an API key's membership signs in nowhere (test_api.py covers keys).
ROLES = [role for role in Role if role in PEOPLE_ROLES]
MISSING = 987654321


def call(client: Any, case: Case, kwargs: dict[str, Any]) -> Any:
    url = reverse(case.name, kwargs=kwargs)
    return getattr(client, case.method)(url, data=case.data)


def allowed(role: str, case: Case) -> bool:
    return case.public or any(role_has(role, c) for c in case.capabilities)


def missing_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: ("not-a-token" if k == "token" else MISSING) for k in kwargs}


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_member_gets_what_their_role_allows(case, role, ours, host_client):
    member = ours.members[role]
    response = call(host_client(ours.host, member), case, case.kwargs_for(ours, member))
    if allowed(role, case):
        assert response.status_code in case.ok
        if response.status_code == 302:
            assert not is_login_redirect(response)
    elif role in VENDOR_ROLES and any(c.startswith("portal.") for c in case.capabilities):
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_anonymous_is_sent_to_sign_in(case, ours, host_client):
    response = call(
        host_client(ours.host), case, case.kwargs_for(ours, ours.members[Role.PARTNER_REP])
    )
    if case.public:
        assert response.status_code in case.ok | {404}
    else:
        assert is_login_redirect(response)


@pytest.mark.django_db
@pytest.mark.parametrize("direction", ["ours probes theirs", "theirs probes ours"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", OBJECT_CASES, ids=str)
def test_other_tenants_ids_answer_like_missing_ones(
    case, role, direction, ours, theirs, host_client
):
    me, them = (ours, theirs) if direction == "ours probes theirs" else (theirs, ours)
    client = host_client(me.host, me.members[role])
    theirs_kwargs = case.kwargs_for(them, them.members[role])
    foreign = call(client, case, theirs_kwargs)
    missing = call(client, case, missing_kwargs(theirs_kwargs))
    assert foreign.status_code == missing.status_code
    if allowed(role, case):
        assert foreign.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", [c for c in CASES if not c.public], ids=str)
def test_other_tenants_members_are_strangers_on_our_host(case, role, ours, theirs, host_client):
    client = host_client(ours.host, theirs.members[role])
    response = call(client, case, case.kwargs_for(ours, ours.members[role]))
    assert is_login_redirect(response)


@pytest.mark.django_db
@pytest.mark.parametrize("case", PARTNER_CASES, ids=str)
def test_partner_users_get_404_for_another_partners_objects(case, ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = call(client, case, case.other_partner_kwargs(ours))
    assert response.status_code == 404
