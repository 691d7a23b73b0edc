"""Units of the ticketing: storage conformance, Markdown sanitising, type detection by content."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.storage import LocalStorage, Storage, StorageError
from core.ticketing.attachments import safe_filename, sniff
from core.ticketing.markup import render_markdown


@pytest.fixture(params=["local"])
def storage(request, tmp_path) -> Storage:
    """Every Storage implementation passes the same tests."""
    return LocalStorage(tmp_path / "storage")


async def test_storage_round_trip(storage: Storage):
    key = await storage.save("tickets", 7, b"content")
    assert key.startswith("tickets/7/")
    assert await storage.exists(key)
    assert await storage.read(key) == b"content"
    other = await storage.save("tickets", 7, b"content")
    assert other != key
    await storage.delete(key)
    assert not await storage.exists(key)
    await storage.delete(key)  # no error when already gone
    with pytest.raises(StorageError):
        await storage.read(key)


@pytest.mark.parametrize("key", ["../etc/passwd", "/etc/passwd", "tickets/../../x", "tickets/7/A B", ""])
async def test_storage_refuses_keys_outside_its_root(storage: Storage, key: str):
    with pytest.raises(StorageError):
        await storage.read(key)


def test_markdown_subset_is_rendered_and_sanitised():
    html = str(render_markdown("*a* **b**\n\n- one\n- two\n\n> quote\n\n`code` [link](https://example.com)"))
    assert "<em>a</em>" in html
    assert "<strong>b</strong>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html
    assert 'rel="noopener noreferrer nofollow"' in html
    hostile = str(render_markdown('<script>x</script><a href="javascript:y">z</a> ![i](https://e.com/i.png) # Title'))
    assert "<script" not in hostile
    assert '<a href="javascript' not in hostile
    assert "<img" not in hostile
    assert "<h1" not in hostile


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"GIF89a...", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (
            _zip(["[Content_Types].xml", "word/document.xml"]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            _zip(["[Content_Types].xml", "xl/workbook.xml"]),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("Voilà ma facture\n".encode(), "text/plain"),
        (_zip(["payload.exe"]), None),
        (b"MZ\x90\x00", None),
        (b"\x00\x01\x02binary", None),
        (b"<svg onload=alert(1)>", None),
        (b"\xc3\x28 invalid utf-8", None),
    ],
)
def test_type_is_read_from_the_content(content: bytes, expected: str | None):
    found = sniff(content)
    assert (found[0] if found else None) == expected


def test_safe_filename_keeps_a_readable_name_with_the_detected_extension():
    assert safe_filename("../../etc/passwd", "txt") == "passwd.txt"
    assert safe_filename("Facture août.PDF.exe", "pdf") == "Facture août_PDF.pdf"
    assert safe_filename("", "png") == "attachment.png"
