"""Server-side sessions, their store, and CSRF protection."""
