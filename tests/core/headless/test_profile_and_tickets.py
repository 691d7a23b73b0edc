"""The profile and the tickets through the API, and a plugin's endpoint."""

from __future__ import annotations

from tests.core.headless.conftest import PNG, bearer, tokens_of


async def signed_in(api, host="desk.test"):
    client = api(host)
    client.headers.update(bearer((await tokens_of(client))["access_token"]))
    return client


async def test_the_profile_changes_with_the_pages_checks(api, desk):
    client = await signed_in(api)
    changed = await client.patch("/api/v1/me", json={"first_name": "Augusta", "locale": "fr"})
    assert changed.status_code == 200
    assert changed.json()["first_name"] == "Augusta"
    assert changed.json()["locale"] == "fr"
    assert changed.json()["last_name"] == "L"
    bad = await client.patch("/api/v1/me", json={"first_name": "", "locale": "xx", "last_name": "<b>"})
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"first_name", "last_name", "locale"}
    assert (await client.get("/api/v1/me")).json()["first_name"] == "Augusta"


async def test_open_list_read_and_reply_with_a_file(api, desk):
    client = await signed_in(api)
    missing = await client.post("/api/v1/tickets", json={"category": "meter", "subject": "S", "description": "D"})
    assert missing.status_code == 422
    assert "reading" in missing.json()["fields"]
    unknown = await client.post("/api/v1/tickets", json={"category": "nope", "subject": "S", "description": "D"})
    assert unknown.status_code == 422
    created = await client.post(
        "/api/v1/tickets",
        json={"category": "meter", "subject": "Reading", "description": "See photo", "fields": {"reading": "1234"}},
    )
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    listed = (await client.get("/api/v1/tickets")).json()
    assert [t["reference"] for t in listed["items"]] == [reference]
    assert listed["next_before"] is None
    replied = await client.post(
        f"/api/v1/tickets/{reference}/replies",
        data={"body": "Here it is"},
        files=[("attachments", ("meter.jpg", PNG, "image/jpeg"))],
    )
    assert replied.status_code == 201, replied.text
    last = replied.json()["messages"][-1]
    assert last["body"] == "Here it is"
    assert [(a["filename"], a["content_type"]) for a in last["attachments"]] == [("meter.png", "image/png")]
    refused = await client.post(
        f"/api/v1/tickets/{reference}/replies",
        data={"body": "A program"},
        files=[("attachments", ("x.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf"))],
    )
    assert refused.status_code == 422
    assert refused.json()["fields"]["attachments"]
    read = (await client.get(f"/api/v1/tickets/{reference}")).json()
    assert read["fields"] == {"reading": "1234"}
    assert len(read["messages"]) == 2


async def test_another_users_ticket_is_not_found(api, desk, portal):
    from core.identity.models import UserStatus
    from core.identity.users import create_user

    async with portal.database.session(desk.id) as db:
        await create_user(db, email="eve@example.com", password="correct horse battery", status=UserStatus.ACTIVE)
        await db.commit()
    ada = await signed_in(api)
    body = {"category": "meter", "subject": "S", "description": "D", "fields": {"reading": "1"}}
    reference = (await ada.post("/api/v1/tickets", json=body)).json()["reference"]
    eve = api("desk.test")
    eve.headers.update(bearer((await tokens_of(eve, login="eve@example.com"))["access_token"]))
    assert (await eve.get(f"/api/v1/tickets/{reference}")).status_code == 404
    reply = await eve.post(f"/api/v1/tickets/{reference}/replies", data={"body": "mine now"})
    assert reply.status_code == 404
    assert (await eve.get("/api/v1/tickets")).json()["items"] == []


async def test_a_plugin_endpoint_gets_the_user_and_tenant(api, desk, tenants, customers):
    client = await signed_in(api)
    answer = await client.get("/api/v1/desk/hello")
    assert answer.status_code == 200
    assert answer.json() == {"text": "Hello Ada", "tenant": "desk"}
    assert (await api("desk.test").get("/api/v1/desk/hello")).status_code == 401
    other = await signed_in(api, "alpha.test")  # a tenant without the plugin
    assert (await other.get("/api/v1/desk/hello")).status_code == 404


async def test_a_failing_endpoint_is_a_json_500(api, desk):
    client = await signed_in(api)
    answer = await client.get("/api/v1/desk/boom")
    assert answer.status_code == 500
    assert answer.json() == {"error": "server_error", "message": "", "fields": {}}
