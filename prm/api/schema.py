"""The OpenAPI 3 schema (drf-spectacular) and a readable page made from it.

Both are public on every tenant host: they describe the API, not a tenant's data. The page is
rendered on the server from the same schema, so it needs no script from elsewhere (the product's
content security policy allows none).
"""

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from prm.tenancy.decorators import public

from . import registry

METHODS = ("get", "post", "put", "patch", "delete")


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "prm.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from Integrations → API keys: `Bearer prm_…`.",
        }


class SchemaView(SpectacularAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []


@functools.lru_cache(maxsize=8)
def _schema_in(language: str) -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _schema() -> dict[str, Any]:
    """The schema in the request's language; it changes only with the code, so it is built once
    per language and process."""
    return _schema_in(translation.get_language() or "en")


def _resolve(schema: dict[str, Any], node: dict[str, Any] | None) -> dict[str, Any]:
    """Follow a `$ref` into the schema's components."""
    while node and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"].get(name, {})
    return node or {}


def _fields(schema: dict[str, Any], node: dict[str, Any] | None) -> list[dict[str, Any]]:
    node = _resolve(schema, node)
    if node.get("type") == "array":
        node = _resolve(schema, node.get("items"))
    required = set(node.get("required", []))
    rows = []
    for name, prop in node.get("properties", {}).items():
        prop = _resolve(schema, prop) if "$ref" in prop else prop
        kind = prop.get("type") or ("enum" if "enum" in prop else "object")
        if prop.get("format"):
            kind = f"{kind} ({prop['format']})"
        rows.append(
            {
                "name": name,
                "type": kind,
                "required": name in required,
                "read_only": prop.get("readOnly", False),
                "description": prop.get("description", ""),
                "enum": prop.get("enum", []),
            }
        )
    return rows


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            answer: dict[str, Any] = next(
                (r for code, r in op.get("responses", {}).items() if code.startswith("2")), {}
            )
            answer_schema = answer.get("content", {}).get("application/json", {}).get("schema")
            results = _resolve(schema, answer_schema).get("properties", {}).get("results")
            groups.setdefault((op.get("tags") or ["api"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": op.get("operationId", ""),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": _fields(schema, body.get("schema")),
                    "answer": _fields(schema, results or answer_schema),
                    "codes": sorted(op.get("responses", {})),
                }
            )
    labels = {
        route.prefix.split("/")[0]: registry.resource(route.viewset.resource).label
        for route in registry.routes()
    }
    return [
        {"tag": tag, "label": labels.get(tag, tag), "operations": ops}
        for tag, ops in sorted(groups.items())
    ]


@public
def docs(request: HttpRequest) -> HttpResponse:
    """The API reference, for people: every operation with its parameters and fields."""
    schema = _schema()
    return render(
        request,
        "api/docs.html",
        {
            "info": schema.get("info", {}),
            "groups": _operations(schema),
            "base": request.build_absolute_uri("/api/v1/"),
        },
    )


# The answers every operation may give besides its own, added to the schema once here so that
# clients (and schemathesis) know them: a refused key, a missing scope, the rate limit, and for
# the operations that take them, bad input, a missing object, a stale If-Match and a reused
# Idempotency-Key.
_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by field (a list of strings, or nested for lists of rows).",
    "additionalProperties": True,
}


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = {"application/json": {"schema": schema}}
    return answer


def add_common_answers(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the shared answers, and the headers they carry."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", _ERROR)
    components.setdefault("FieldErrors", _FIELD_ERRORS)
    error = {"$ref": "#/components/schemas/Error"}
    field_errors = {"$ref": "#/components/schemas/FieldErrors"}
    for path, item in result.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            answers = op.setdefault("responses", {})
            answers.setdefault(
                "401", _answer("No API key, or one unknown here, revoked or expired.", error)
            )
            answers.setdefault(
                "403", _answer("The key lacks the scope this operation needs.", error)
            )
            throttled = _answer(
                "Over the key's requests per minute: retry after Retry-After.", error
            )
            throttled["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
            }
            answers.setdefault("429", throttled)
            if op.get("parameters") or method in ("post", "put", "patch"):
                answers.setdefault("400", _answer("Bad input: messages by field.", field_errors))
            if "{" in path:
                answers.setdefault("404", _answer("No such object for this key.", error))
            if method == "get":
                answers.setdefault("304", _answer("Unchanged since the ETag in If-None-Match."))
            if method in ("put", "patch"):
                answers.setdefault(
                    "412", _answer("The object changed since the If-Match ETag.", error)
                )
            if method == "post":
                answers.setdefault(
                    "422", _answer("The Idempotency-Key was used for another request.", error)
                )
                params = op.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in params):
                    params.append(
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": (
                                "Any unique string (a UUID): a retry with the same key gets "
                                "the first answer, and the request runs once."
                            ),
                            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                        }
                    )
    return result
