"""Templated mail through a transactional outbox, delivered by the worker."""
