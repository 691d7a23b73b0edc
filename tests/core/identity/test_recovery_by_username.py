"""Forgot password on a tenant that signs in by username: the username or the e-mail, one answer for all."""

from __future__ import annotations

import pytest

from core.identity import pages
from core.testing import mail_links
from tests.core.identity.identity_helpers import csrf_of, post_form


@pytest.fixture
def by_username(monkeypatch):
    monkeypatch.setattr(pages, "login_identifiers", lambda tenant: ("username", "email"))


async def test_the_username_or_the_email_gets_the_reset_link(tenant, tenant_client, make_user, mailbox, by_username):
    await make_user(tenant, username="ada_l")
    client = tenant_client(tenant)
    page = await client.get("/password/forgot")
    assert "Username or e-mail address" in page.text
    assert 'autocomplete="username"' in page.text
    for count, typed in enumerate(("ada_l", " ADA_L ", "ada@example.com"), start=1):
        sent = await client.post("/password/forgot", data={"csrf_token": csrf_of(page.text), "email": typed})
        assert sent.status_code == 303, typed
        assert sent.headers["location"] == "/password/forgot/sent"
        messages = await mailbox.messages("ada@example.com")
        assert len(messages) == count, typed
        assert any("/password/reset/" in link for link in mail_links(messages[-1])), typed
    done = await client.get("/password/forgot/sent")
    assert "If an access exists for this username or address" in done.text


async def test_an_unknown_username_gets_the_same_answer_and_no_mail(
    tenant, tenant_client, make_user, mailbox, by_username
):
    await make_user(tenant, username="ada_l")
    client = tenant_client(tenant)
    known = await post_form(client, "/password/forgot", {"email": "ada_l"})
    unknown = await post_form(client, "/password/forgot", {"email": "grace_h"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    assert known.content == unknown.content
    assert [m["To"] for m in await mailbox.messages()] == ["ada@example.com"]


async def test_the_login_typed_on_the_sign_in_page_is_carried_over(tenant, tenant_client, by_username):
    page = await tenant_client(tenant).get("/password/forgot?login=ada_l")
    assert 'value="ada_l"' in page.text


async def test_an_email_only_tenant_still_asks_for_an_email(tenant, tenant_client, make_user, mailbox):
    await make_user(tenant, username="ada_l")
    client = tenant_client(tenant)
    page = await client.get("/password/forgot")
    assert "Username or e-mail address" not in page.text
    refused = await post_form(client, "/password/forgot", {"email": "ada_l"})
    assert refused.status_code == 200
    assert 'value="ada_l"' in refused.text
    assert await mailbox.messages() == []
