"""The operator console: approvals, tickets, users, tenants, imports, audit and outbox."""
