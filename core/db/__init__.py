"""Database layer: declarative base, engine, tenant-scoped sessions and migrations."""

from core.db.base import Base, TenantOwned, utcnow
from core.db.engine import Database
from core.db.types import UTCDateTime

__all__ = ["Base", "Database", "TenantOwned", "UTCDateTime", "utcnow"]
