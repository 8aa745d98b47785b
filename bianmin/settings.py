"""Settings, all read from the environment (see .env.example for every variable)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bianmin.env import data_dir, env_bool, env_choice, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir("BIANMIN_DATA_DIR", "./var")

SECRET_KEY = secret_key("SECRET_KEY", DATA_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "bianmin.apps.BianminConfig",
    "bianmin.org",
    "bianmin.workdays",
    "bianmin.cases",
    "bianmin.catalog",
    "bianmin.reports",
    "bianmin.hall",
    "bianmin.duty",
    "bianmin.pension",
    "bianmin.open311",
    "bianmin.village",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' JavaScript from local static files instead of a CDN
    "bianmin.thirdparty.AxesConfig",  # django-axes, named in zh-hans
]

# The PageOnly… ones are Django's (and WhiteNoise's) own, passed by for a call to the JSON API with a bearer
# token, which has no session, no CSRF cookie and no static file to serve (bianmin.middleware.page_only).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bianmin.middleware.ContentSecurityPolicyMiddleware",
    "bianmin.middleware.PageOnlyWhiteNoiseMiddleware",
    "bianmin.middleware.PageOnlySessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "bianmin.middleware.RejectNulMiddleware",  # after LocaleMiddleware: its message is translated
    "bianmin.middleware.PageOnlyCsrfViewMiddleware",
    "bianmin.middleware.PageOnlyAuthenticationMiddleware",
    "bianmin.middleware.PageOnlyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes requires
]

ROOT_URLCONF = "bianmin.urls"
WSGI_APPLICATION = "bianmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bianmin.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'bianmin.sqlite3'}"
_db_url = env_str("DATABASE_URL", _default_db)
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this platform understands: {exc}") from None
if _db["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured(f"DATABASE_URL must be sqlite:/// or postgres://, got engine {_db['ENGINE']}")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["ENGINE"] = "bianmin.sqlite"  # Django's, with writers queued on a lock file (bianmin/sqlite/base.py)
    # WAL lets readers proceed during a write. synchronous=FULL fsyncs the WAL on every commit, so an
    # acknowledged write survives a killed server and a power cut; we pay one fsync per commit for that.
    # BEGIN IMMEDIATE takes the write lock at the start of each transaction, so two writers queue on
    # busy_timeout instead of failing with "database is locked" when a read lock cannot be upgraded.
    _db["CONN_MAX_AGE"] = 0 if _db["NAME"] == ":memory:" else _db["CONN_MAX_AGE"]
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
    }
else:
    _db["ENGINE"] = "bianmin.postgresql"  # Django's, with timestamps parsed by psycopg (bianmin/postgresql/base.py)
    _db["CONN_HEALTH_CHECKS"] = True
    # No JIT: the reports' aggregates crossed PostgreSQL's JIT threshold at a million cases and paid about
    # 0.1 s of compilation per query, more than it saved; every other query is too short to gain from it.
    # A DATABASE_URL's own ?options=... replaces this.
    _db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Prepared statements: PostgreSQL planned every statement afresh, and planning a lookup on the case
    # table (sixteen indexes) took longer than running it. psycopg prepares a statement on a connection
    # once it has run PG_PREPARE_THRESHOLD times (with server-side parameters, which Django needs for it);
    # lifecycles/s +19 % (issue 6). 0 turns it off, as a transaction-mode connection pooler requires.
    _prepare = env_int("PG_PREPARE_THRESHOLD", 5, minimum=0)
    if _prepare:
        _db["OPTIONS"].update(server_side_binding=True, prepare_threshold=_prepare)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and authentication ------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "bianmin.org.hashers.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"  # the public start page, with its staff sign-in link

# Lockout after repeated failures for the same username from the same address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]

# --- Security ------------------------------------------------------------------------------------
HTTPS = env_bool("BIANMIN_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12, minimum=1) * 3600
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Language and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from here; `bianmin up` fills it with collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = DATA_DIR / "media"  # never served directly: attachments go out through a scoped view
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10, minimum=1, maximum=200) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # request bodies other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files are spooled to a temporary file

# --- API -----------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Logging: to stderr; personal data never goes into a log message. ------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Bianmin -------------------------------------------------------------------------------------
# How long a worker keeps the working-day calendar before re-reading administrator overrides.
CALENDAR_CACHE_SECONDS = env_int("CALENDAR_CACHE_SECONDS", 60, minimum=0)
SERVER_WORKERS = env_int("BIANMIN_WORKERS", 3, minimum=1, maximum=64)
# Where notifications go: console (the log), file ($BIANMIN_DATA_DIR/notifications.jsonl) or webhook.
NOTIFY_CHANNEL = env_choice("NOTIFY_CHANNEL", "console", ("CONSOLE", "FILE", "WEBHOOK")).lower()
NOTIFY_WEBHOOK_URL = env_str("NOTIFY_WEBHOOK_URL", "")
# The server's workers deliver on a thread after the action commits (on: the default), or within the request.
NOTIFY_IN_BACKGROUND = env_bool("NOTIFY_IN_BACKGROUND", True)
if NOTIFY_CHANNEL == "webhook" and not NOTIFY_WEBHOOK_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("NOTIFY_CHANNEL=webhook needs NOTIFY_WEBHOOK_URL=http(s)://...")
# Working days each level of the three-level analysis has: village, work team, township (DESIGN §4.3).
_level_days = env_list("ANALYSIS_LEVEL_DAYS", ["5", "5", "10"])
if len(_level_days) != 3 or not all(n.isdigit() and int(n) >= 1 for n in _level_days):
    raise ImproperlyConfigured(
        f"ANALYSIS_LEVEL_DAYS must be three positive whole numbers like 5,5,10, got {_level_days}"
    )
ANALYSIS_LEVEL_DAYS = dict(zip(("village", "work_team", "township"), map(int, _level_days), strict=True))
# Days after completion within which an unsatisfied citizen may have a case reopened (DESIGN §4.4).
REOPEN_DAYS = env_int("REOPEN_DAYS", 7, minimum=1, maximum=365)
# The lowest of the five rating levels counted as satisfied (DESIGN §4.4: the first three, 基本满意 = 3);
# a rating below it is a 差评.
SATISFIED_MIN_RATING = env_int("SATISFIED_MIN_RATING", 3, minimum=2, maximum=5)
# Working days the unit has to rectify after a 差评, and by which the citizen is called back (DESIGN §4.4).
RECTIFICATION_DAYS = env_int("RECTIFICATION_DAYS", 5, minimum=1, maximum=30)
# Whether the "without leaving the village" (不出村) figures count, besides the applications filed at or for a
# village, the pension certifications done at a village's hall or by a home visit (DESIGN §5): handled when
# recorded, completed when passed. Off by default: the source's figures count applications only.
VILLAGE_FIGURES_COUNT_CERTIFICATIONS = env_bool("VILLAGE_FIGURES_COUNT_CERTIFICATIONS", False)
# Days a village project's prior notice (事前公示) must stay displayed before work may start (the national
# guideline on poverty-alleviation fund publicity: at least 10).
VILLAGE_PRIOR_NOTICE_DAYS = env_int("VILLAGE_PRIOR_NOTICE_DAYS", 10, minimum=1, maximum=60)
# The most 一事一议 may raise from each villager in a year, in fen (the province's ceiling under the
# 村民一事一议筹资筹劳管理办法); 20 yuan by default.
VILLAGE_YISHIYIYI_CAP_FEN_PER_PERSON = env_int(
    "VILLAGE_YISHIYIYI_CAP_FEN_PER_PERSON", 2000, minimum=0, maximum=10_000_000
)
# Units with fewer accepted cases in a period than this are listed apart from the ranking by completion rate
# (two cases of two completed would otherwise top it).
RANKING_MIN_ACCEPTED = env_int("RANKING_MIN_ACCEPTED", 10, minimum=1, maximum=10000)
# Default handling limits by kind when a category has none of its own (DESIGN §4.3), as kind=days: working
# days, except petitions (信访), which count calendar days.
_kind_limits = dict(item.partition("=")[::2] for item in env_list("CASE_KIND_LIMITS", []))
_kind_defaults = {"consultation": 2, "help": 10, "suggestion": 10, "complaint": 15, "report": 15, "petition": 60}
if not set(_kind_limits) <= set(_kind_defaults) or not all(v.isdigit() and int(v) >= 1 for v in _kind_limits.values()):
    raise ImproperlyConfigured(
        f"CASE_KIND_LIMITS must be kind=days pairs of {sorted(_kind_defaults)}, like complaint=15, got {_kind_limits}"
    )
CASE_KIND_LIMITS = {kind: int(_kind_limits.get(kind, days)) for kind, days in _kind_defaults.items()}
# Petitions (信访工作条例 2022): calendar days to accept or route one (第24条), and the most an approved extension
# adds to the 60 days of handling (第35条).
PETITION_ACCEPTANCE_DAYS = env_int("PETITION_ACCEPTANCE_DAYS", 15, minimum=1, maximum=60)
PETITION_EXTENSION_DAYS = env_int("PETITION_EXTENSION_DAYS", 30, minimum=1, maximum=90)
# Applications (行政许可法, DESIGN §4.2): working days to send the one-time notice of missing materials (第32条),
# the most an approved extension adds (第42条), and the days to deliver the result after the decision (第44条).
APPLICATION_NOTICE_DAYS = env_int("APPLICATION_NOTICE_DAYS", 5, minimum=1, maximum=30)
APPLICATION_EXTENSION_DAYS = env_int("APPLICATION_EXTENSION_DAYS", 10, minimum=1, maximum=60)
APPLICATION_DELIVERY_DAYS = env_int("APPLICATION_DELIVERY_DAYS", 10, minimum=1, maximum=60)
# Items handled jointly (联合办理, 第26条, 第42条): at most 45 working days, and an approved extension of up to 15.
APPLICATION_JOINT_DAYS = env_int("APPLICATION_JOINT_DAYS", 45, minimum=1, maximum=120)
APPLICATION_JOINT_EXTENSION_DAYS = env_int("APPLICATION_JOINT_EXTENSION_DAYS", 15, minimum=1, maximum=60)
# Kinds of catalogue item (license, benefit, confirmation, public_service, other) whose applications must be
# decided by someone other than the one who accepted them (受理与决定分离). Default: licences.
DECIDE_APART_KINDS = frozenset(env_list("DECIDE_APART_KINDS", ["license"]))
# Open311 GeoReport v2 (/open311/v2/): FixMyStreet's service request updates extension, and the contact the
# discovery document names.
OPEN311_UPDATES = env_bool("OPEN311_UPDATES", False)
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "")
# Citizens sign in with a one-time code sent to their mobile: minutes it stays valid, wrong tries it allows.
SIGN_IN_CODE_MINUTES = env_int("SIGN_IN_CODE_MINUTES", 10, minimum=1, maximum=60)
SIGN_IN_CODE_ATTEMPTS = env_int("SIGN_IN_CODE_ATTEMPTS", 5, minimum=1, maximum=10)
# How often `bianmin up`'s own schedule runs the sweep, in minutes (0: off, for those who run `bianmin sweep`
# from cron or a systemd timer instead).
SWEEP_EVERY_MINUTES = env_int("SWEEP_EVERY_MINUTES", 5, minimum=0, maximum=1440)
# Analysis levels whose overdue cases `bianmin sweep` escalates by itself (comma-separated; empty: none).
SWEEP_ESCALATE_LEVELS = env_list("SWEEP_ESCALATE_LEVELS", ["village", "work_team"])
