"""Django settings. SQLite by default; set DATABASE_URL for PostgreSQL (postgres://user:pass@host/db)."""

from sendreform.config.env import APPS_DIR, BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-demo-key-change-me-for-any-real-deployment")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SERVICE_NAME = env("SENDREFORM_SERVICE_NAME", default="sendreform")
LOCAL_AREA_NAME = env("SENDREFORM_LOCAL_AREA", default="Reading")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "sendreform.accounts",
    "sendreform.people",
    "sendreform.statutory",
    "sendreform.inclusion",
    "sendreform.experts",
    "sendreform.voice",
    "sendreform.places",
    "sendreform.web",
    "sendreform.indicators",
    "sendreform.plan",
    "sendreform.governance",
    "sendreform.jobs",
    "sendreform.forecasting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sendreform.accounts.middleware.RefusedReadAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sendreform.config.urls"
WSGI_APPLICATION = "sendreform.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [APPS_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sendreform.web.context.service",
            ],
        },
    },
]

if "DATABASE_URL" not in env:
    (BASE_DIR / "var").mkdir(exist_ok=True)  # the default SQLite database lives in var/, which git ignores
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'sendreform.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Background jobs write progress while requests write too: wait for the lock rather than fail at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in lock-out: this many failures within the window lock the account for the window.
SIGN_IN_MAX_FAILURES = env.int("SENDREFORM_SIGN_IN_MAX_FAILURES", default=5)
SIGN_IN_LOCKOUT_MINUTES = env.int("SENDREFORM_SIGN_IN_LOCKOUT_MINUTES", default=15)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

# Background work runs in the worker (`sendreform worker`, which `sendreform serve` starts beside gunicorn),
# queued in the database by django-tasks (ADR 14). A running job writes its heartbeat every HEARTBEAT seconds;
# one silent for STALE seconds is marked failed (its worker died) and can be retried.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SENDREFORM_JOB_HEARTBEAT_SECONDS = env.int("SENDREFORM_JOB_HEARTBEAT_SECONDS", default=15)
SENDREFORM_JOB_STALE_SECONDS = env.int("SENDREFORM_JOB_STALE_SECONDS", default=120)

# The dashboard's figures come from one DuckDB file every web worker reads (ADR 15), remade in the background
# whenever data changes (`sendreform.indicators.analytics.data_changed`, or row counts that moved), each night,
# and once it is older than MAX_AGE (edits that keep the row counts and call no hook). Pages never compute on
# the live database; WAIT makes them make the copy themselves instead of queueing it (the tests do).
SENDREFORM_ANALYTICS_DIR = env.path("SENDREFORM_ANALYTICS_DIR", default=BASE_DIR / "var" / "analytics")
SENDREFORM_ANALYTICS_MAX_AGE_SECONDS = env.int("SENDREFORM_ANALYTICS_MAX_AGE_SECONDS", default=3600)
SENDREFORM_ANALYTICS_WAIT = env.bool("SENDREFORM_ANALYTICS_WAIT", default=False)

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="sendreform@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

# Experts at Hand clocks, in working days (weekends and bank holidays excluded): triage after receipt, and
# first support after receipt for Targeted and Targeted Plus referrals. EAH_BANK_HOLIDAYS (ISO dates, comma
# separated) replaces the bank holidays of England shipped in sendreform/experts/working_days.py.
EAH_TRIAGE_WORKING_DAYS = env.int("SENDREFORM_EAH_TRIAGE_WORKING_DAYS", default=10)
EAH_FIRST_SUPPORT_WORKING_DAYS = env.int("SENDREFORM_EAH_FIRST_SUPPORT_WORKING_DAYS", default=20)
EAH_BANK_HOLIDAYS = env.list("SENDREFORM_EAH_BANK_HOLIDAYS", default=None)
# Capacity assumed for a practitioner seen on involvements but not yet registered with their own hours.
EAH_DEFAULT_WEEKLY_HOURS = env.int("SENDREFORM_EAH_DEFAULT_WEEKLY_HOURS", default=30)
# Hours a week an involvement counts against capacity when it has no allocation of its own (loaded history).
EAH_DEFAULT_ALLOCATION_WEEKLY_HOURS = env.float("SENDREFORM_EAH_DEFAULT_ALLOCATION_WEEKLY_HOURS", default=1.5)
