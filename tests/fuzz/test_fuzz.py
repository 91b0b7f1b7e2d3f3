"""The bad-input fuzzer: every URL of the isolation matrix, fed the fixed corpus of bad input.

For each URL (`tests/isolation/matrix.py`) a member of `ours` whose role may use it (public pages:
an anonymous visitor) sends the matrix's own request, then bad query parameters (the names the
page links to or reads, and common ones), bad values in every field of each POST form the page
shows, and methods no page is written for. No answer may be a server error, and a refused
request may write nothing (`fuzzer.py` says how both are checked). A URL a later app adds to
the matrix is fuzzed with no test written for it.

The cases run in two xdist groups, one per worker, so each worker runs its half back to back on
the worlds it built once; the terminal summary gives the number of requests sent.
"""

import time

import pytest
from django.urls import reverse

from prm.tenancy.roles import Role
from tests.isolation.matrix import Case, all_cases
from tests.isolation.test_matrix import allowed

from .fuzzer import Fuzzer

#: Server errors the fuzzer finds in parts of issue 12 that other engineers fix, by case id
#: (`case_id`). Strict: once the fix is merged the case passes, the mark fails the run, and the
#: entry goes.
KNOWN_SERVER_ERRORS: dict[str, str] = {}

GROUPS = 2


def case_id(case: Case) -> str:
    return f"{case.name}:{case.method}"


def member_role(case: Case) -> Role | None:
    """The first role allowed to use the case (program leader first, partner rep last); None
    for a public page, which an anonymous visitor fuzzes."""
    if case.public:
        return None
    return next((role for role in Role if allowed(role, case)), None)


def _params() -> list:
    cases = [c for c in all_cases() if c.public or member_role(c) is not None]
    params = []
    for i, case in enumerate(cases):
        marks = [pytest.mark.xdist_group(f"fuzz-{i % GROUPS}")]
        reason = KNOWN_SERVER_ERRORS.get(case_id(case))
        if reason:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(case, id=case_id(case), marks=marks))
    return params


@pytest.mark.django_db
@pytest.mark.parametrize("case", _params())
def test_bad_input_gets_no_server_error_and_a_refusal_writes_nothing(
    case, ours, host_client, request
):
    role = member_role(case)
    member = ours.members[role] if role else None
    url = reverse(case.name, kwargs=case.kwargs_for(ours, member or ours.members[Role.PARTNER_REP]))
    fuzzer = Fuzzer(host_client(ours.host, member))
    started = time.process_time()
    fuzzer.fuzz(case.method, url, case.data)
    request.node.user_properties += [
        ("fuzz_requests", fuzzer.requests),
        ("fuzz_cpu_seconds", time.process_time() - started),
        ("fuzz_statuses", dict(fuzzer.statuses)),
    ]
    assert not fuzzer.failures, f"{len(fuzzer.failures)} failures:\n{fuzzer.report()}"


def test_every_matrix_case_is_fuzzed_or_used_by_nobody():
    fuzzed = {p.values[0].name for p in _params()}
    for case in all_cases():
        assert case.name in fuzzed or case.capabilities == ("nobody",), case
    unknown = set(KNOWN_SERVER_ERRORS) - {case_id(c) for c in all_cases()}
    assert not unknown, "KNOWN_SERVER_ERRORS names cases the matrix no longer has"
