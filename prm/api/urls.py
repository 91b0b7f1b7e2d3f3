"""/api/v1/ on a tenant host: the viewsets the apps registered, the schema and its page."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from prm.tenancy.decorators import PUBLIC

from . import registry
from .schema import SchemaView, docs
from .views import not_found

app_name = "api"

#: what every API URL declares for the isolation meta-test; the key's scope is checked besides
#: (prm.api.permissions), and tests/isolation/test_api.py runs every URL with foreign keys
API_CAPABILITY = "api.access"

router = SimpleRouter()
for route in registry.routes():
    router.register(route.prefix, route.viewset, basename=route.basename)

schema = SchemaView.as_view()
schema.required_capability = PUBLIC

urlpatterns = [
    path("schema/", schema, name="schema"),
    path("docs/", docs, name="docs"),
    *router.urls,
    re_path(r"^.*$", not_found, name="not_found"),
]

for pattern in router.urls:
    pattern.callback.required_capability = API_CAPABILITY
