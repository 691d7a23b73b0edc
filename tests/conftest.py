"""Test configuration: the fixtures come from ``core.testing`` (the ``portique`` pytest plugin)."""
