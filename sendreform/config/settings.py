"""Django settings. SQLite by default; set DATABASE_URL for PostgreSQL (postgres://user:pass@host/db)."""

from django.core.exceptions import ImproperlyConfigured

from sendreform.config.env import APPS_DIR, BASE_DIR, demo_secret_key, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The demo (`make demo`, `sendreform demo`, `sendreform serve --demo`) on a laptop, with public passwords: it
# may run without a secret key of its own, and without two-factor sign-in. Never set it for real data.
DEMO = env.bool("SENDREFORM_DEMO", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or DEMO):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set SENDREFORM_DEMO=true for the demo. See docs/security.md.")
    SECRET_KEY = demo_secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SERVICE_NAME = env("SENDREFORM_SERVICE_NAME", default="sendreform")
LOCAL_AREA_NAME = env("SENDREFORM_LOCAL_AREA", default="Reading")
# The benchmarking page's own area when no plan is loaded, and its own comparators (nine-character codes, comma
# separated) in place of the DfE's statistical neighbours; empty keeps the DfE's list.
BENCHMARK_AREA = env("SENDREFORM_AREA_CODE", default="E06000038")
# The DfE EHC plan release CSVs the real-England backtest of the forecast reads (default: the extract shipped in
# the repository, which gives the same totals as the full releases).
PUBLISHED_EHCP = env("SENDREFORM_PUBLISHED_EHCP", default=str(APPS_DIR / "published" / "data" / "ehcp"))
BENCHMARK_COMPARATORS = {BENCHMARK_AREA: [c.strip() for c in env("SENDREFORM_COMPARATORS", default="").split(",")
                                          if c.strip()]}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
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
    "sendreform.imports",
    "sendreform.published",
    "sendreform.returns",
    "sendreform.casework",
]

MIDDLEWARE = [
    "sendreform.web.edge.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sendreform.common.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sendreform.accounts.middleware.TwoFactorRequiredMiddleware",
    "sendreform.web.edge.NoStoreForSignedInMiddleware",
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
# Requests are not one transaction each: a page reads in autocommit, and every write is a short transaction of
# its own in a service (ADR 13), so no request holds the write lock while it computes.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite as an embedded database for many users (ADR 13): readers never block the writer (WAL); a write
    # transaction takes the write lock when it begins (BEGIN IMMEDIATE), waiting up to the busy timeout for
    # it, instead of failing with "database is locked" when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": env.float("SENDREFORM_SQLITE_BUSY_TIMEOUT_SECONDS", default=5),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    })
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
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins (sendreform.accounts.services.user_sign_in): a username, and a client address, get this many
# failures free; each further one makes the next attempt wait, from the first wait doubling up to the longest.
# Failures are forgotten after FORGET_AFTER minutes without one. A wait, never a lock-out.
SIGN_IN_FREE_FAILURES_PER_USERNAME = env.int("SENDREFORM_SIGN_IN_FREE_FAILURES_PER_USERNAME", default=3)
SIGN_IN_FREE_FAILURES_PER_ADDRESS = env.int("SENDREFORM_SIGN_IN_FREE_FAILURES_PER_ADDRESS", default=20)
SIGN_IN_FIRST_WAIT_SECONDS = env.int("SENDREFORM_SIGN_IN_FIRST_WAIT_SECONDS", default=2)
SIGN_IN_MAX_WAIT_SECONDS = env.int("SENDREFORM_SIGN_IN_MAX_WAIT_SECONDS", default=15 * 60)
SIGN_IN_FORGET_AFTER_MINUTES = env.int("SENDREFORM_SIGN_IN_FORGET_AFTER_MINUTES", default=60)

# Two-factor sign-in (TOTP, django-otp) for every role that sees child-level data; off only in the demo.
TWO_FACTOR_REQUIRED = env.bool("SENDREFORM_TWO_FACTOR", default=not DEMO)
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Behind a TLS-terminating proxy: redirect plain HTTP, send HSTS, and trust the proxy's scheme header and
# client address only from the proxies in FORWARDED_ALLOW_IPS (the variable gunicorn reads too).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if _proxy_ssl_header := env("DJANGO_SECURE_PROXY_SSL_HEADER", default=""):
    # e.g. X-Forwarded-Proto: the request is secure when the proxy sends that header as "https".
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=[])
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles and images from this site only; no inline script or
# style, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Permissions-Policy (django-permissions-policy): no page needs any of these browser features.
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock", "usb", "xr-spatial-tracking",
)}
# Request size: a body larger than this is refused (413) before it is read; the largest upload is a population
# file of 5 MB (sendreform.forecasting.forms). Form fields (not files) are capped at Django's own limit.
SENDREFORM_MAX_REQUEST_BYTES = env.int("SENDREFORM_MAX_REQUEST_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

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

# An audit entry (or another short write that must not fail a page) that meets a busy database tries again for at
# most this long before the page answers 503 "busy" (ADR 13).
SENDREFORM_BUSY_RETRY_SECONDS = env.float("SENDREFORM_BUSY_RETRY_SECONDS", default=10)

# A page request's database work is stopped after this many seconds (SQLite: a progress handler; PostgreSQL:
# statement_timeout) and answered with a 503 page; gunicorn's --timeout (sendreform serve) is the backstop.
# 0 turns it off. Background jobs and commands are not limited (ADR 13).
SENDREFORM_REQUEST_TIME_LIMIT_SECONDS = env.float("SENDREFORM_REQUEST_TIME_LIMIT_SECONDS", default=20)

# The dashboard's in-memory copy of the data is remade at least this often (and whenever row counts change).
SENDREFORM_ANALYTICS_MAX_AGE_SECONDS = env.int("SENDREFORM_ANALYTICS_MAX_AGE_SECONDS", default=600)
# Where an uploaded file waits between its check and its confirmation (deleted once applied or cancelled).
SENDREFORM_IMPORT_DIR = env("SENDREFORM_IMPORT_DIR", default=str(BASE_DIR / "var" / "imports"))
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
# Returns to the DfE (ADR 27): the area's returns file (calendar and the quarterly return's layout), its own
# mapping onto the data template's rows (empty: the standard one, sendreform.standards.lsrp) and the
# simulations the data template's projections are the median of.
SENDREFORM_RETURNS_LAYOUT = env.path("SENDREFORM_RETURNS_LAYOUT", default=BASE_DIR / "plans" / "reading-quarterly-return.yaml")
SENDREFORM_LSRP_MAPPING = env("SENDREFORM_LSRP_MAPPING", default="")
SENDREFORM_RETURNS_SIMS = env.int("SENDREFORM_RETURNS_SIMS", default=1000)

# EHC casework timescales where the area works to its own (JSON, e.g. {"final_plan_weeks": 18}); the
# Regulations' by default (sendreform/standards/ehc_clock.py).
SENDREFORM_EHC_TIMESCALES = env.json("SENDREFORM_EHC_TIMESCALES", default={})
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="sendreform@localhost")
# The service's own address as people reach it (scheme and host, no path): every link in an email starts with it,
# since an email is read outside the service, where a link like /experts/... goes nowhere.
SITE_URL = env("SENDREFORM_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

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
