"""Zip attachments: archives over the limits are refused next to the field, and reading one never
holds the event loop."""

from __future__ import annotations

import asyncio
import io
import threading
import zipfile

import httpx
import pytest

from core.ticketing import attachments
from core.ticketing.attachments import ArchiveTooLargeError, inspect, sniff
from tests.core.identity.identity_helpers import csrf_of

CATEGORY = "/support/new/omicron_link_broken"
FORM = {
    "email": "visitor@example.com",
    "name": "Vi Sitor",
    "subject": "Broken link",
    "description": "The link says it expired.",
    "f_registration_email": "visitor@example.com",
}


def _zip(entries: int, *, office: bool = False, size: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if office:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", b"0" * size)
        for i in range(entries):
            archive.writestr(f"part/{i}.xml", b"")
    return buffer.getvalue()


def test_a_zip_with_too_many_entries_is_refused_without_being_read(monkeypatch):
    content = _zip(6_000)
    monkeypatch.setattr(attachments.zipfile, "ZipFile", None)  # the end record alone says no
    with pytest.raises(ArchiveTooLargeError):
        sniff(content)


def test_a_zip_bomb_is_refused_and_an_office_file_accepted():
    with pytest.raises(ArchiveTooLargeError):
        sniff(_zip(0, office=True, size=10 * 1024 * 1024))  # unpacks 1,000 times its size
    assert sniff(_zip(20, office=True, size=50_000)) == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    )


async def _post_ticket(client: httpx.AsyncClient, files: list[tuple[str, tuple[str, bytes, str]]]) -> httpx.Response:
    token = csrf_of((await client.get(CATEGORY)).text)
    return await client.post(CATEGORY, data={**FORM, "csrf_token": token}, files=files)


async def test_a_ticket_with_oversized_archives_is_refused_next_to_the_field(app, omicron_bare):
    bomb = _zip(6_000)
    files = [("attachments", (f"logs{i}.zip", bomb, "application/zip")) for i in range(2)]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://omicron.localhost") as client:
        response = await _post_ticket(client, files)
    assert response.status_code == 400
    assert "“logs0.zip” is an archive with too many files in it, or too large once unpacked." in response.text
    assert 'value="Broken link"' in response.text, "what was typed is kept"


async def test_the_event_loop_serves_other_requests_while_an_archive_is_read(app, omicron_bare, monkeypatch):
    """The archive's reading is held in its thread until ``/healthz`` has been answered: were it
    read on the event loop, ``/healthz`` could not be answered and the reading would time out."""
    document = _padded(_zip(200, office=True, size=200_000))
    assert len(document) > 64 * 1024, "large enough to be read off the event loop"
    started, release = threading.Event(), threading.Event()
    readers: list[int] = []
    real_zipfile = zipfile.ZipFile

    def held_zipfile(*args, **kwargs):
        readers.append(threading.get_ident())
        started.set()
        if not release.wait(10):
            raise AssertionError("the event loop was held while the archive was read")
        return real_zipfile(*args, **kwargs)

    monkeypatch.setattr(attachments.zipfile, "ZipFile", held_zipfile)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://omicron.localhost") as client:
        ticket = asyncio.create_task(
            _post_ticket(client, [("attachments", ("report.docx", document, "application/zip"))])
        )
        assert await asyncio.to_thread(started.wait, 10), "the archive was never read"
        health = await client.get("http://localhost/healthz")
        release.set()
        response = await ticket
    assert health.status_code == 200
    assert response.status_code == 303, response.text[-500:]
    assert readers
    assert threading.get_ident() not in readers


def _padded(document: bytes) -> bytes:
    """A Word file larger than what is checked inline (an archive comment pads it)."""
    archive = zipfile.ZipFile(io.BytesIO(document))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as padded:
        for info in archive.infolist():
            padded.writestr(info, archive.read(info))
        padded.writestr("word/media/image1.png", bytes(range(256)) * 400)
    return buffer.getvalue()


async def test_inspect_reads_large_files_in_a_thread():
    loop_thread = threading.get_ident()
    seen: list[int] = []
    real = attachments.sniff

    def spy(content: bytes):
        seen.append(threading.get_ident())
        return real(content)

    attachments.sniff = spy
    try:
        assert await inspect(b"%PDF-1.4\n" + b"0" * 100_000) == ("application/pdf", "pdf")
    finally:
        attachments.sniff = real
    assert seen
    assert seen[0] != loop_thread
