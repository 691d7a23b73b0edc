"""Append-only audit events."""

from core.audit.service import record

__all__ = ["record"]
