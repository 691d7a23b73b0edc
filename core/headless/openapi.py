"""The OpenAPI 3.1 schema of a tenant's API, built from the route declarations and their pydantic models.

Nothing is written by hand: each :class:`~core.headless.contract.ApiRoute` (the core's and the
plugins', through ``portique_api_routes``) gives its path, method, bodies and answer. The reference
copy in the documentation is the schema of a tenant with every installed plugin enabled
(``portique api schema --output docs/api/openapi.json`` writes it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from core.headless.bodies import ErrorBody
from core.headless.contract import ApiRoute
from core.headless.routing import PREFIX, route_name, schema_routes

TITLE = "Portique API for native apps"
VERSION = "1"
REF = "#/components/schemas/{model}"
REFERENCE_SERVER = {"url": "https://{portal}", "variables": {"portal": {"default": "portal.example/t/example"}}}


def _models(routes: Sequence[ApiRoute]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    found: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {(ErrorBody, "serialization"): None}
    for route in routes:
        if route.response is not None:
            found[(route.response, "serialization")] = None
        for model in (route.body, route.form):
            if model is not None:
                found[(model, "validation")] = None
    return list(found)


def _content(ref: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"content": {media: {"schema": ref}}}


def _parameters(route: ApiRoute) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer" if name.endswith("_id") else "string"},
        }
        for name in route.path_params
    ]
    if route.query is not None:
        properties = route.query.model_json_schema()["properties"]
        for name, field in route.query.model_fields.items():
            parameters.append(
                {"name": name, "in": "query", "required": field.is_required(), "schema": properties[name]}
            )
    return parameters


def _operation(route: ApiRoute, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    error = _content(refs[(ErrorBody, "serialization")])
    responses: dict[str, Any] = {}
    if route.response is not None:
        responses[str(route.status)] = {"description": "Success", **_content(refs[(route.response, "serialization")])}
    else:
        responses[str(route.status)] = {"description": "Success (no content)"}
    if not route.public:
        responses["401"] = {"description": "No valid access token (see WWW-Authenticate)", **error}
    responses["default"] = {"description": "An error", **error}
    operation: dict[str, Any] = {
        "operationId": route_name(route),
        "summary": route.summary or route_name(route),
        "tags": list(route.tags),
        "parameters": _parameters(route),
        "responses": responses,
        "security": [] if route.public else [{"bearer": []}],
    }
    if route.body is not None:
        operation["requestBody"] = {"required": True, **_content(refs[(route.body, "validation")])}
    if route.form is not None:
        operation["requestBody"] = {
            "required": True,
            **_content(refs[(route.form, "validation")], "multipart/form-data"),
        }
    return operation


def document(routes: Sequence[ApiRoute], servers: list[dict[str, Any]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes``."""
    refs, definitions = models_json_schema(_models(routes), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for route in schema_routes(routes):
        paths.setdefault(PREFIX + route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION},
        "servers": servers,
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def as_text(schema: dict[str, Any]) -> str:
    """The schema as the documentation keeps it (indented, keys in order, a final newline)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
