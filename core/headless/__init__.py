"""The headless JSON API for native apps: the portal's identity and tickets over bearer tokens, per tenant."""
