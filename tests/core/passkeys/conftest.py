"""Fixtures of the passkey tests: the identity tests' tenant and users."""

from tests.core.identity.conftest import make_user, tenant

__all__ = ["make_user", "tenant"]
