"""Schemathesis against the API's own OpenAPI schema: generated requests, valid and invalid, to
every operation with the shared world's all-scopes key; no answer is a server error, and every
answer (status, content type, headers, body) is one the schema describes.

The schema is the one `/api/v1/schema/` serves, made in-process; requests go to the WSGI app on
the world's host. Examples per operation are few (the suite runs in CI), and the database keeps
what they wrote only for the test's transaction.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = WSGIHandler()

# No server error, every answer as the schema says, and no answer without the key. Invalid
# requests are generated too (hypothesis' negative mode) and must not fail the server; whether
# each is refused is not asked here: the API ignores query parameters it does not know, which
# the schema cannot say, and the key is added to every request, including those generated
# without it. Refusals of bad input are the apps' own tests.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


@pytest.fixture(autouse=True)
def _one_connection():
    """Keep the test's connection through the requests: a WSGI server closes it at the end of
    each request (as Django's test client, which schemathesis does not use, avoids too)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_as_its_schema_says(case, ours):
    case.call_and_validate(
        base_url=f"http://{ours.host}",
        headers={"Authorization": f"Bearer {ours.api_tokens['all']}"},
        checks=CHECKS,
    )
