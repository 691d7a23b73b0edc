"""Identity: users, accounts, memberships, registration, activation, sign-in and recovery."""
