"""Staff accounts: the people who work in the console (operators and agents), their sign-in and TOTP.

``models`` holds the tables, ``accounts`` creating and checking staff, ``cli`` ``portique staff``.
The console's pages use them; the tables' migration stays in the console's migration branch.
"""
