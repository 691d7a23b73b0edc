"""Files of the Customer Area (software updates) in the portal's local storage, outside the web root."""

from __future__ import annotations

import hashlib
from pathlib import Path

from core.api import get_portal

ROOT = "omicron_registration"


def storage_path(tenant_id: int, key: str) -> Path:
    """Where the file ``key`` of a tenant lives; refuses keys that try to leave the folder."""
    base = (get_portal().settings.storage_dir / ROOT / str(tenant_id)).resolve()
    path = (base / key).resolve()
    if base not in path.parents:
        raise ValueError("invalid storage key")
    return path


def store(tenant_id: int, key: str, content: bytes) -> tuple[int, str]:
    """Write ``content`` under ``key``; returns (size, sha256)."""
    path = storage_path(tenant_id, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return len(content), hashlib.sha256(content).hexdigest()
