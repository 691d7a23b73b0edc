"""Consent: the versions of a tenant's terms of use and privacy notice each customer accepted, and when."""
