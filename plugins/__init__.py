"""Provider plugins shipped with Portique (each registered under the `portique.plugins` entry points)."""
