"""Reply macros: per-tenant, per-language reply templates that agents insert in a ticket's reply box.

``models`` holds the table, ``placeholders`` the safe substitution of ``{first_name}`` and the
others, ``service`` the scoped queries and changes (audited), ``forms`` the operator's form,
``pages`` the operator's ``/console/macros`` pages and ``picker`` the choice on the ticket page.
"""
