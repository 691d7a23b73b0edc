"""Portique core: identity, sessions, i18n, ticketing and the operator console."""

__version__ = "0.1.0"
