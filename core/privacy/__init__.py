"""Privacy self-service: a signed-in customer exports their data (GDPR art. 15 and 20, Quebec Law 25).

One job per module: ``parts`` (what a plugin contributes), ``models`` (the requests), ``requesting``
(asking, with its limits), ``identity_data`` (the core's ``core.json``), ``archive`` (the ZIP),
``building`` (the worker's job), ``download`` (the single-use link), ``expiry`` (deleting what is
left), ``export_pages`` (the pages) and ``plugin`` (the default plugin that wires them).
"""
