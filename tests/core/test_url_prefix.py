"""A plugin's pages live under the ``url_prefix`` it declares; its links and redirects follow it."""

from __future__ import annotations

import re

import pytest

from core.testing import csrf_of
from tests.core.sample import moving


@pytest.fixture(params=["/moving", "/elsewhere/deeper"])
def url_prefix(request, monkeypatch):
    monkeypatch.setitem(moving.PREFIX, "url_prefix", request.param)
    return request.param


@pytest.fixture
def portique_extra_plugins(url_prefix):
    return {"moving": moving}


async def test_pages_are_served_under_the_declared_prefix(url_prefix, make_tenant, tenant_client):
    await make_tenant("one", plugins=["moving"])
    client = tenant_client("one")
    page = await client.get(f"{url_prefix}/items")
    assert page.status_code == 200
    assert re.search(rf'href="{re.escape(url_prefix)}/items/7"', page.text)
    assert (await client.get(f"{url_prefix}/items/7")).text == f"item 7 at {url_prefix}/items"
    other = "/moving" if url_prefix != "/moving" else "/elsewhere/deeper"
    assert (await client.get(f"{other}/items")).status_code == 404
    assert (await client.get("/items")).status_code == 404


async def test_redirects_and_navigation_follow_the_prefix(url_prefix, make_tenant, tenant_client):
    await make_tenant("one", plugins=["moving"])
    client = tenant_client("one")
    home = await client.get("/")
    assert f'href="{url_prefix}/items"' in home.text
    page = await client.get(f"{url_prefix}/items")
    assert f'action="{url_prefix}/items/new"' in page.text
    done = await client.post(f"{url_prefix}/items/new", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 303
    assert done.headers["location"] == f"{url_prefix}/items/7"


async def test_root_routes_stay_at_the_tenant_root(url_prefix, make_tenant, tenant_client):
    await make_tenant("one", plugins=["moving"])
    client = tenant_client("one")
    assert (await client.get("/moving-root")).text == f"root page linking {url_prefix}/items/8"
    assert (await client.get(f"{url_prefix}/moving-root")).status_code == 404


async def test_links_keep_the_tenant_path_prefix(url_prefix, make_tenant, app):
    import httpx

    await make_tenant("one", plugins=["moving"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        page = await client.get(f"/t/one{url_prefix}/items")
        assert page.status_code == 200
        assert f'href="/t/one{url_prefix}/items/7"' in page.text
        done = await client.post(f"/t/one{url_prefix}/items/new", data={"csrf_token": csrf_of(page.text)})
        assert done.headers["location"] == f"/t/one{url_prefix}/items/7"


async def test_links_built_without_a_request_follow_the_prefix_and_the_tenant_host(url_prefix, make_tenant, portal):
    from starlette.routing import NoMatchFound

    from core.api import page_path, page_url

    one = await make_tenant("one", plugins=["moving"])
    hosted = await make_tenant("hosted", plugins=["moving"], hostnames=["portal.moving.example"])
    assert page_path(one, "moving_item", item_id=7) == f"{url_prefix}/items/7"
    assert page_url(one, "moving_item", item_id=7).endswith(f"/t/one{url_prefix}/items/7")
    assert page_url(hosted, "moving_item", item_id=7).split("://", 1)[1] == f"portal.moving.example{url_prefix}/items/7"
    assert page_url(one, "login").endswith("/t/one/login")
    with pytest.raises(NoMatchFound):
        page_path(one, "no_such_page")
