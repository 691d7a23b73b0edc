"""Sessions: anonymous visitors cost no store access; stored sessions survive; fixation is impossible."""

from __future__ import annotations

from core.sessions.state import SessionState
from core.sessions.store import DatabaseSessionStore


async def test_anonymous_pages_do_not_touch_the_database(portal, make_tenant, tenant_client, queries):
    await make_tenant("acme")
    client = tenant_client("acme")
    await client.get("/")
    await portal.registry.refresh(force=True)
    queries.clear()
    for _ in range(3):
        assert (await client.get("/")).status_code == 200
    assert queries.statements == []


async def test_data_moves_an_anonymous_visitor_to_a_stored_session(portal, make_tenant):
    tenant = await make_tenant("acme")
    store = DatabaseSessionStore(portal.database)
    state = SessionState(store, tenant.id, "secret", None, None)
    anonymous_id = state.raw_id
    token_before = state.csrf_token
    state.set("flash", {"message": "hi"})
    await state.persist()
    assert state.raw_id != anonymous_id
    assert state.raw_id.startswith("s")
    assert state.csrf_token != token_before
    loaded = await store.load(state.id_hash, tenant.id)
    assert loaded is not None
    assert loaded.data["flash"] == {"message": "hi"}


async def test_a_planted_cookie_value_is_never_adopted(portal, make_tenant, tenant_client, queries):
    await make_tenant("acme")
    planted = "s" + "x" * 43
    client = tenant_client("acme")
    client.cookies.set("portique_session", planted, domain="acme.localhost")
    response = await client.get("/")
    assert response.status_code == 200
    # Unknown ids are looked up (and not found); a sign-in always issues a new id (see identity tests).
    assert any("sessions" in statement for statement in queries.statements)
