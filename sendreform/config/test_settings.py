"""Settings for the test suite: production settings with plain static storage (no collectstatic needed) and
a fast password hasher. The database still comes from DATABASE_URL, so the suite runs on PostgreSQL too."""

import os
import tempfile
from pathlib import Path

# A key of the tests' own, so the settings (which refuse to start without one) load.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "k" * 50)

from sendreform.config.settings import *  # noqa: E402, F403

STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A page makes a stale analytics copy afresh itself (in a folder of this run's own) rather than queueing it and
# showing the last one: tests change data with no worker running.
SENDREFORM_ANALYTICS_WAIT = True
SENDREFORM_ANALYTICS_DIR = Path(tempfile.mkdtemp(prefix="sendreform-test-analytics-"))
# The live server of the browser tests serves static files itself; WhiteNoise would want collectstatic.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
# Tests sign users in with force_login; the two-factor tests turn it on (tests/accounts/test_two_factor.py).
TWO_FACTOR_REQUIRED = False
# A job runs in the thread that queues it (once the request commits); tests of the worker itself, and the
# browser tests that follow a job, use the database backend with a worker in the test process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
