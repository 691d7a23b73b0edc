"""The OpenID Connect provider of each tenant: clients, keys, code + PKCE, tokens, consent (built on Authlib)."""
