"""Per-tenant plugin dispatch, tenant-scoped queries, CSRF, error pages, template overrides."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.testing import csrf_of
from tests.core.sample import alpha


@pytest.fixture
def portique_extra_plugins():
    return {"alpha": alpha}


async def test_plugin_pages_exist_only_on_tenants_that_enable_it(make_tenant, tenant_client):
    await make_tenant("one", plugins=["alpha"])
    await make_tenant("two", plugins=[])
    assert (await tenant_client("one").get("/alpha/notes")).status_code == 200
    assert (await tenant_client("two").get("/alpha/notes")).status_code == 404


async def test_hooks_of_a_plugin_never_run_for_another_tenant(make_tenant, tenant_client):
    alpha.CALLS.clear()
    await make_tenant("one", plugins=["alpha"])
    await make_tenant("two", plugins=[])
    page_two = await tenant_client("two").get("/")
    assert "Alpha notes" not in page_two.text
    assert alpha.CALLS == []
    page_one = await tenant_client("one").get("/")
    assert "Alpha notes" in page_one.text
    assert alpha.CALLS == ["one"]


async def test_queries_are_scoped_to_the_request_tenant(portal, make_tenant, tenant_client):
    one = await make_tenant("one", plugins=["alpha"])
    two = await make_tenant("two", plugins=["alpha"])
    async with portal.database.session(one.id) as db:
        db.add(alpha.AlphaNote(text="note of one"))
        await db.commit()
    async with portal.database.session(two.id) as db:
        db.add(alpha.AlphaNote(text="note of two"))
        await db.commit()
        # Even an explicit criterion cannot reach the other tenant's row.
        assert (await db.scalars(select(alpha.AlphaNote).where(alpha.AlphaNote.tenant_id == one.id))).all() == []
    assert (await tenant_client("one").get("/alpha/notes")).text == "note of one"
    assert (await tenant_client("two").get("/alpha/notes")).text == "note of two"


ALL_NOTES = select(alpha.AlphaNote.text).order_by(alpha.AlphaNote.id)
"""Built once, as the pages' statements are: its tenant-scoped copy is cached and serves every tenant."""


async def _a_note_each(portal, make_tenant):
    """Tenants ``one`` and ``two`` with a note each ("note of one", "note of two"); returns them and the notes' ids."""
    one = await make_tenant("one", plugins=["alpha"])
    two = await make_tenant("two", plugins=["alpha"])
    ids = {}
    for tenant in (one, two):
        async with portal.database.session(tenant.id) as db:
            note = alpha.AlphaNote(text=f"note of {tenant.slug}")
            db.add(note)
            await db.commit()
            ids[tenant.slug] = note.id
    return one, two, ids


async def test_a_statement_built_once_stays_scoped_to_each_tenant_it_runs_for(portal, make_tenant):
    one, two, _ids = await _a_note_each(portal, make_tenant)
    for _ in range(3):  # alternating tenants, from the cache after the first round
        for tenant in (one, two):
            async with portal.database.session(tenant.id) as db:
                assert (await db.scalars(ALL_NOTES)).all() == [f"note of {tenant.slug}"]
    async with portal.database.session() as db:  # operator-wide: every tenant's
        assert len((await db.scalars(ALL_NOTES)).all()) == 2


async def test_a_caller_cannot_hand_the_criteria_another_tenant(portal, make_tenant):
    """The tenant of the criteria is a parameter of each execution: the session's always wins."""
    from sqlalchemy import delete, update

    from core.db.engine import TENANT_PARAMETER

    one, two, _ids = await _a_note_each(portal, make_tenant)
    forged = {TENANT_PARAMETER: two.id}
    async with portal.database.session(one.id) as db:
        assert (await db.scalars(ALL_NOTES, forged)).all() == ["note of one"]
        await db.execute(update(alpha.AlphaNote).values(text="changed"), forged)
        await db.execute(delete(alpha.AlphaNote).where(alpha.AlphaNote.text == "note of two"), forged)
        await db.commit()
    async with portal.database.session(two.id) as db:
        assert (await db.scalars(ALL_NOTES)).all() == ["note of two"]  # neither changed nor deleted


async def test_a_bulk_update_by_primary_key_is_refused_on_a_tenants_session(portal, make_tenant):
    """SQLAlchemy's bulk UPDATE by primary key ignores every criteria: it could write another tenant's row."""
    from sqlalchemy import update

    one, _two, ids = await _a_note_each(portal, make_tenant)
    rows = [{"id": ids["one"], "text": "bulk"}, {"id": ids["two"], "text": "bulk"}]
    async with portal.database.session(one.id) as db:
        with pytest.raises(PermissionError, match="bulk UPDATE or DELETE by primary key"):
            await db.execute(update(alpha.AlphaNote), rows)
    async with portal.database.session() as db:  # nothing was written; the operator-wide session may
        assert (await db.scalars(ALL_NOTES)).all() == ["note of one", "note of two"]
        await db.execute(update(alpha.AlphaNote), rows)
        assert (await db.scalars(ALL_NOTES)).all() == ["bulk", "bulk"]


async def test_writing_a_row_of_another_tenant_is_refused(portal, make_tenant):
    one = await make_tenant("one", plugins=["alpha"])
    two = await make_tenant("two", plugins=["alpha"])
    async with portal.database.session(one.id) as db:
        db.add(alpha.AlphaNote(text="forged", tenant_id=two.id))
        with pytest.raises(PermissionError):
            await db.flush()


async def test_unsafe_request_without_csrf_token_is_refused(make_tenant, tenant_client):
    await make_tenant("one", plugins=["alpha"])
    client = tenant_client("one")
    refused = await client.post("/alpha/echo", data={"value": "x"})
    assert refused.status_code == 403
    assert "did not come from this site" in refused.text
    forged = await client.post("/alpha/echo", data={"value": "x", "csrf_token": "0" * 64})
    assert forged.status_code == 403
    token = csrf_of((await client.get("/")).text)
    accepted = await client.post("/alpha/echo", data={"value": "x", "csrf_token": token})
    assert accepted.text == "posted x"


async def test_csrf_token_of_another_tenant_is_refused(make_tenant, tenant_client):
    await make_tenant("one", plugins=["alpha"])
    await make_tenant("two", plugins=["alpha"])
    token_one = csrf_of((await tenant_client("one").get("/")).text)
    other = tenant_client("two")
    await other.get("/")
    response = await other.post("/alpha/echo", data={"value": "x", "csrf_token": token_one})
    assert response.status_code == 403


async def test_server_error_shows_a_themed_page_without_traceback(make_tenant, tenant_client):
    await make_tenant("one", plugins=["alpha"], name="Portal One")
    response = await tenant_client("one").get("/alpha/boom")
    assert response.status_code == 500
    assert "Portal One" in response.text
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


async def test_a_plugin_template_replaces_and_extends_a_core_template(make_tenant, tenant_client):
    await make_tenant("one", plugins=["alpha"])
    await make_tenant("two", plugins=[])
    assert "Alpha was here" in (await tenant_client("one").get("/")).text
    assert "Alpha was here" not in (await tenant_client("two").get("/")).text


async def test_templates_escape_values(make_tenant, tenant_client):
    await make_tenant("one", plugins=["alpha"])
    html = (await tenant_client("one").get("/alpha/page")).text
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


async def test_session_cookie_is_httponly_samesite_and_bound_to_its_tenant(portal, make_tenant, tenant_client):
    one = await make_tenant("one", plugins=["alpha"])
    client = tenant_client("one")
    response = await client.get("/")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    session = await portal.session_store.load("0" * 64, one.id)
    assert session is None


async def test_enabling_a_plugin_on_a_tenant_updates_its_pages(portal, make_tenant, tenant_client):
    from core.tenancy.service import update_tenant

    tenant = await make_tenant("one", plugins=[])
    client = tenant_client("one")
    assert (await client.get("/alpha/notes")).status_code == 404
    async with portal.database.session() as db:
        await update_tenant(db, portal.plugins, await db.merge(tenant), plugins=["alpha"])
        await db.commit()
    await portal.registry.refresh(force=True)
    assert (await client.get("/alpha/notes")).status_code == 200
