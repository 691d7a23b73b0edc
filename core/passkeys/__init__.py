"""Passkeys (WebAuthn): customers and staff sign in with a key held by their device."""
