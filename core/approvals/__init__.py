"""Requests an operator must approve or reject (new accounts, signed access-request forms…)."""
