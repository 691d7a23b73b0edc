"""Load benchmarks for Portique (``make bench``): real uvicorn processes driven by ``wrk``.

Not tests: nothing here asserts a timing. Each run prints one table of req/s, p50, p99 and the ratio
to a bare Starlette hello-world measured in the same run, and writes it as JSON under ``bench/results/``.
"""
