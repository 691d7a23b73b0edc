"""Staff accounts: the people who work in the console (operators and agents), their sign-in and TOTP.

``models`` holds the tables; ``accounts`` creating and checking staff (the CLI and the console share
it); ``links`` the mailed set-password links; ``enrolment`` adding staff from the console; ``scope``
role, tenants and ticket categories; ``status`` disabling, enabling and two-step resets; ``guards``
the last-operator rule; ``two_step`` the setup at sign-in; ``directory`` the console's staff list;
``cli`` ``portique staff``. The tables' migrations stay in the console's migration branch.
"""
