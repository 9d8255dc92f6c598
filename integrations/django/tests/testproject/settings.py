"""A small Django project for the package's tests and Knocker's end-to-end test: the
package plus an app (flipfix_shapes) whose models have the shapes of Flipfix's."""

import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "knocker-outbox-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "flipfix_shapes",
    "knocker_outbox",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "knocker_outbox.actors.CurrentUserMiddleware",
]
ROOT_URLCONF = "testproject.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        # The end-to-end test serves a file; the unit tests use the runner's in-memory copy.
        "NAME": os.environ.get("KNOCKER_TEST_DB", ":memory:"),
        "ATOMIC_REQUESTS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

KNOCKER_OUTBOX = {
    "SITE_URL": "https://flipfix.theflip.museum",
    "FEED_API_KEY_MODEL": "flipfix_shapes.ApiKey",
    "PUSH_URL": os.environ.get("KNOCKER_PUSH_URL", "http://127.0.0.1:9"),
    "PUSH_TOKEN": os.environ.get("KNOCKER_PUSH_TOKEN", "test-ingest-token-0123456789"),
    "PUSH_TIMEOUT_SECONDS": 5,
    "MODELS": {
        "machine": "flipfix_shapes.MachineInstance",
        "problem_report": "flipfix_shapes.ProblemReport",
        "log_entry": "flipfix_shapes.LogEntry",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"knocker_outbox": {"handlers": ["stderr"], "level": os.environ.get("KNOCKER_OUTBOX_LOG_LEVEL", "CRITICAL")}},
}
