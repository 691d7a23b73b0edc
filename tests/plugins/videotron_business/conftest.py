"""Shared fixtures of the Vidéotron Business tests: a tenant with the demo registry."""

from __future__ import annotations

import re

import pytest

from core.testing import csrf_of, mail_text
from plugins.videotron_business.demo import create_demo_data

PLUGIN = "videotron_business"


@pytest.fixture
async def vtenant(make_tenant, portal):
    tenant = await make_tenant(
        "videotron",
        name="Vidéotron Affaires",
        plugins=[PLUGIN],
        theme="videotron",
        locales=["fr_CA", "en_CA"],
        default_locale="fr_CA",
    )
    async with portal.database.session(tenant.id) as db:
        await create_demo_data(db)
        await db.commit()
    return tenant


@pytest.fixture
def vclient(vtenant, tenant_client):
    """A client of the tenant, in English (tests may switch to French)."""
    client = tenant_client(vtenant)
    client.headers["Accept-Language"] = "en-CA"
    return client


def token_in(message, kind: str) -> str:
    """The token of the ``/videotron/<kind>/<token>`` link in a mail."""
    match = re.search(rf"/videotron/{kind}/([A-Za-z0-9_-]+)", mail_text(message))
    assert match, mail_text(message)
    return match.group(1)


async def post_form(client, path: str, data: dict, *, page: str | None = None, own: bool = True):
    """GET the page for its CSRF token, then POST ``data`` to ``path``.

    On the plugin's own pages (``own``) the form must carry the token itself: a browser posts that one.
    """
    form_page = await client.get(page or path)
    if own:
        assert 'name="csrf_token" value=""' not in form_page.text
    return await client.post(path, data={**data, "csrf_token": csrf_of(form_page.text)})


async def sign_in(client, username: str, password: str):
    """Sign in through the core ``/login`` page (the tenant signs in by username)."""
    response = await post_form(client, "/login", {"login": username, "password": password}, own=False)
    assert response.status_code == 303, response.text[-2000:]
    return response
