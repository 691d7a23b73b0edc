"""Helpers of the data-export tests: ask on the profile, let the worker build, follow the mail's link."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import httpx

from core.portal import Portal
from core.privacy.building import build_pending_exports
from core.testing import Mailbox, mail_links
from tests.core.identity.identity_helpers import csrf_of


async def ask_for_export(client: httpx.AsyncClient) -> httpx.Response:
    """Press "Export my data" on the profile page (a signed-in client)."""
    page = await client.get("/profile")
    assert page.status_code == 200, page.text
    return await client.post("/profile/export", data={"csrf_token": csrf_of(page.text)})


async def export_link(portal: Portal, mailbox: Mailbox, email: str) -> str:
    """Run the worker's job, then the path of the download link mailed to ``email``."""
    await build_pending_exports(portal)
    message = await mailbox.last(email)
    links = [link for link in mail_links(message) if "/profile/export/" in link]
    assert links, "no export link in the mail"
    return re.sub(r"^https?://[^/]+(/t/[^/]+)?", "", links[0])


def unzip(response: httpx.Response) -> dict[str, bytes]:
    """The archive's entries, by path."""
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def entry_json(entries: dict[str, bytes], path: str) -> Any:
    """A JSON entry of the archive, parsed."""
    return json.loads(entries[path])


def all_text(entries: dict[str, bytes]) -> str:
    """Every JSON entry of the archive, as one string (to look for what must not be there)."""
    return "\n".join(content.decode() for path, content in entries.items() if path.endswith(".json"))


async def export_of(client: httpx.AsyncClient, portal: Portal, mailbox: Mailbox, email: str) -> dict[str, bytes]:
    """Ask, build and download in one go: the archive's entries."""
    response = await ask_for_export(client)
    assert response.status_code in (302, 303), response.text
    link = await export_link(portal, mailbox, email)
    return unzip(await client.get(link))
