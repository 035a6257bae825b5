"""The production settings (lef.settings), plus the floor page of the benchmark.

Everything else comes from the environment the runner sets, as in production:
DEBUG off, a SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (the load test's own
server), the database task queue. What differs, as in bench/settings.py:

* the URLs: bench/urls.py adds the floor (the bare layout), the page every
  other page's throughput is held against;
* static file URLs without collectstatic's manifest (the same lookup, without
  the hash in the name): collecting and compressing every file takes minutes
  here, and the load asks for pages, not for static files.
"""

import warnings

from lef.settings import *  # noqa: F403

# WhiteNoise looks for collectstatic's output, which a load test does not need.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

ROOT_URLCONF = "bench.urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
