"""Retention: each tenant's periods for audit entries, outbox mail bodies and closed tickets, and their enforcement."""
