"""The OpenAPI schema: generated from the routes, served per tenant, valid, and the documentation's copy current."""

from __future__ import annotations

import json
from pathlib import Path

from openapi_spec_validator import validate

from core.headless.openapi import as_text
from core.headless.tenant_api import reference_schema
from core.plugins import PluginManager

DOCS_COPY = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


async def test_each_tenant_serves_its_schema_with_its_plugins_endpoints(api, desk, tenants):
    served = await api("desk.test").get("/api/v1/openapi.json")
    assert served.status_code == 200
    schema = served.json()
    validate(schema)
    assert schema["openapi"] == "3.1.0"
    assert schema["servers"] == [{"url": "https://desk.test"}]
    assert "/api/v1/desk/hello" in schema["paths"]
    sign_in = schema["paths"]["/api/v1/auth/sign-in"]["post"]
    assert sign_in["security"] == []
    assert sign_in["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SignIn"}
    reply = schema["paths"]["/api/v1/tickets/{reference}/replies"]["post"]
    assert "multipart/form-data" in reply["requestBody"]["content"]
    assert reply["security"] == [{"bearer": []}]
    assert "401" in reply["responses"]
    other = (await api("alpha.test").get("/api/v1/openapi.json")).json()
    assert "/api/v1/desk/hello" not in other["paths"]


def test_the_documentation_copy_is_what_the_code_generates():
    schema = reference_schema(PluginManager())
    validate(schema)
    assert {"/api/v1/luminus/invoices", "/api/v1/omicron/devices"} <= set(schema["paths"])
    expected = as_text(schema)
    assert DOCS_COPY.read_text(encoding="utf-8") == expected, (
        "docs/openapi.json is out of date: run `portique api schema --output docs/openapi.json`"
    )
    assert json.loads(expected) == schema
