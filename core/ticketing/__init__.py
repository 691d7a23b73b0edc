"""Ticketing: categories from plugins, tickets, messages, attachments and the SLA clock."""
