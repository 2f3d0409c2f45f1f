"""Loaded as a plugin (`-p tests.parallel`) before Django's settings are read.

Under pytest-xdist each worker gets its own PostgreSQL test database from
pytest-django; this gives each its own Redis database too, next to the one
REDIS_URL names, since tests clear the cache and count rate limits there."""

import os
import re

worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if worker.startswith("gw") and os.environ.get("REDIS_URL"):
    url = os.environ["REDIS_URL"]
    match = re.search(r"/(\d+)$", url)
    base = int(match.group(1)) if match else 0
    database = (base + 1 + int(worker[2:])) % 16
    os.environ["REDIS_URL"] = (url[: match.start()] if match else url.rstrip("/")) + f"/{database}"
