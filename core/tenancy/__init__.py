"""Tenants: the branded portals one deployment serves, and how a request finds its own."""

from core.tenancy.models import Tenant

__all__ = ["Tenant"]
