"""A web worker's memory: the heavy libraries of rarely used features load on first use, not at start-up.

Each serving process builds the app as ``portique serve`` does (``core.app:create_app``) and then its
tenants' routes; none of that may import the libraries below, which only some requests need.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from starlette.routing import Route

from core.api import utcnow
from core.plugins import PluginManager
from core.sessions.csrf import protect_routes
from core.tenancy.models import Tenant
from core.web.lazy import load

ROOT = Path(__file__).resolve().parents[2]

HEAVY = (
    "cryptography.hazmat.bindings",  # OIDC signing keys, passkeys
    "joserfc",  # Authlib's JOSE: ID tokens
    "webauthn",  # passkey ceremonies
    "cbor2",  # webauthn's attestation objects
    "openpyxl",  # spreadsheet exports and imports
    "fpdf",  # PDF documents
    "aiosmtpd",  # the inbound mail receiver (``portique mail-in``)
)

WORKER = """
import json, sys
from core.app import create_app
from core.api import utcnow
from core.tenancy.models import Tenant
from core.web.routing import tenant_routes

app = create_app()
portal = app.state.portal
tenant = Tenant(id=1, slug="example", name="Example", plugins=portal.plugins.provider_names, updated_at=utcnow())
tenant_routes(portal, tenant)
heavy = json.loads(sys.argv[1])
print(json.dumps([h for h in heavy if any(m == h or m.startswith(h + ".") for m in sys.modules)]))
"""


def test_a_started_web_worker_has_not_loaded_the_heavy_libraries(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PORTIQUE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'portique.db'}",
        "PORTIQUE_VAR_DIR": str(tmp_path / "var"),
        "PORTIQUE_SECRET_KEY": "worker-imports-test-secret-0123456789",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", WORKER, json.dumps(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"imported at start-up: {loaded}"


def _lazy_routes() -> list[Route]:
    plugins = PluginManager()
    tenant = Tenant(id=1, slug="example", name="Example", plugins=plugins.provider_names, updated_at=utcnow())
    answers = [*plugins.for_tenant(tenant).portique_routes(tenant=tenant), *plugins.hook.portique_operator_routes()]
    routes = [route for answer in answers for route in answer if isinstance(route, Route)]
    return [route for route in routes if hasattr(route.endpoint, "lazy_target")]


def test_every_lazy_endpoint_loads_and_keeps_its_csrf_exemption_or_check():
    routes = _lazy_routes()
    assert {"oidc_token", "oidc_userinfo", "oidc_revoke", "oidc_authorize", "passkeys_sign_in"} <= {
        route.name for route in routes
    }
    for route in routes:
        target = route.endpoint.lazy_target  # type: ignore[attr-defined]
        real = load(target)
        assert route.endpoint.__name__ == real.__name__  # a route's default name is unchanged
        exempt = getattr(route.endpoint, "__portique_csrf__", False)
        assert exempt == getattr(real, "__portique_csrf__", False), f"{route.path}: CSRF marker differs from {target}"


def test_the_machine_endpoints_are_left_alone_by_the_csrf_check_and_the_others_are_checked():
    routes = _lazy_routes()
    machine = {"oidc_token", "oidc_userinfo", "oidc_revoke"}
    for route, protected in zip(routes, protect_routes(routes), strict=True):
        assert isinstance(protected, Route)
        assert (protected.endpoint is route.endpoint) == (route.name in machine), route.path
