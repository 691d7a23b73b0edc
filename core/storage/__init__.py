"""File storage: a ``Storage`` protocol with a local-disk implementation (attachments, documents…).

Files live outside the web root under ``settings.storage_dir`` and are only ever served by a page
that checks who may see them. Keys are opaque, generated here, and never derived from a user's file name.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Protocol

from core.portal import Portal, get_portal

KEY_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz0123456789/-_")


class StorageError(LookupError):
    """A stored file is missing or a key is malformed."""


class Storage(Protocol):
    """Where uploaded files are kept. Keys look like ``<namespace>/<tenant id>/<random>``."""

    async def save(self, namespace: str, tenant_id: int | None, content: bytes) -> str:
        """Store ``content`` and return its new key."""

    async def read(self, key: str) -> bytes:
        """The content of a stored file; raises :class:`StorageError` when it does not exist."""

    async def delete(self, key: str) -> None:
        """Remove a stored file (no error when it is already gone)."""

    async def exists(self, key: str) -> bool:
        """A file is stored under ``key``."""


def new_key(namespace: str, tenant_id: int | None) -> str:
    """A fresh, unguessable key in ``namespace`` for a tenant (``0`` for the operator)."""
    clean = "".join(c for c in namespace.lower() if c.isalnum() or c in "-_") or "files"
    return f"{clean}/{tenant_id or 0}/{secrets.token_hex(16)}"


class LocalStorage:
    """Files on the local disk under ``root`` (``settings.storage_dir`` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or not set(key) <= KEY_ALPHABET or ".." in key or key.startswith("/"):
            raise StorageError(f"invalid storage key {key!r}")
        return self.root / key

    async def save(self, namespace: str, tenant_id: int | None, content: bytes) -> str:
        key = new_key(namespace, tenant_id)
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            path.chmod(0o600)

        await asyncio.to_thread(write)
        return key

    async def read(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise StorageError(f"no file stored under {key!r}") from None

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, True)

    async def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def get_storage(portal: Portal | None = None) -> Storage:
    """The storage of the current portal (one instance per portal)."""
    portal = portal or get_portal()
    storage = portal.cache.get("storage")
    if storage is None:
        storage = portal.cache["storage"] = LocalStorage(portal.settings.storage_dir)
    return storage  # type: ignore[no-any-return]


__all__ = ["LocalStorage", "Storage", "StorageError", "get_storage", "new_key"]
