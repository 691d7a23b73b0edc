"""Saved queue views: an agent's named set of queue filters, applied in one click from the queue page.

``models`` holds the table, ``filters`` which queue parameters a view keeps, ``service`` the
queries and changes (audited), ``forms`` the "save this view" form, ``pages`` its two POST handlers.
"""
