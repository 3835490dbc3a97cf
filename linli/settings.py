"""Settings for Linli, read from the environment (DESIGN §5).

With no environment at all this is a development setup on 127.0.0.1 with SQLite under var/.
Production sets LINLI_SECRET_KEY, LINLI_DEBUG=0 and LINLI_ALLOWED_HOSTS (see docs/deploy.md).
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINLI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("LINLI_DEBUG", "LINLI_SECRET_KEY" not in os.environ)
# The "django-insecure-" prefix makes `check --deploy` refuse the development key (security.W009).
SECRET_KEY = os.environ.get("LINLI_SECRET_KEY") or "django-insecure-dev-only-set-LINLI_SECRET_KEY-in-production"
ALLOWED_HOSTS = [h for h in os.environ.get("LINLI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LINLI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "linli.core",
    "linli.orgs",
    "linli.estates",
    "linli.billing",
    "linli.servicedesk",
    "linli.governance",
    "linli.afterschool",
    "linli.oversight",
    "linli.operations",
    "linli.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the session: a database that is down while a session loads or saves is a 503 too.
    "linli.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linli.core.middleware.ChineseFirstLocaleMiddleware",
    "linli.core.middleware.NulInQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "linli.web.auth.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for a lockout into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
# django-axes first: it refuses a locked-out username+address before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

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
                "linli.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'linli.sqlite3'}",
        conn_max_age=int(os.environ.get("LINLI_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (progress polls, pages) run while an import or billing run writes;
    # IMMEDIATE takes the write lock up front so concurrent writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's cursors bind on the client and never prepare. The one server-binding cursor, an
    # owner's cached bill list's single query (linli/billing/api/list_cache.py), is prepared from
    # its sixth run on a connection: planning it costs PostgreSQL more than running it. Behind
    # PgBouncer in transaction mode, that needs PgBouncer ≥ 1.21 with max_prepared_statements.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
if os.environ.get("DATABASE_REPLICA_URL"):
    # A streaming replica of the primary for the reports (docs/scale-out.md); every other read
    # stays on the primary. Tests read the replica as the test database itself.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("LINLI_CONN_MAX_AGE", "0")))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["linli.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "linli.core.password_validation.MinimumLengthValidator"},  # its message in Chinese
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["linli.core.formats"]  # thousands separators in Chinese too
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end libraries come from the npm registry at install time (package.json + lock), never a CDN.
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names once `collectstatic` has run (production); before that, plain
    # names that WhiteNoise serves straight from the apps' folders (a quick start).
    # LINLI_STATIC_MANIFEST=1 asks for them before the first `collectstatic`, which writes them.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_flag("LINLI_STATIC_MANIFEST", (STATIC_ROOT / "staticfiles.json").exists())
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Uploads (photos, proofs, proxies: LINLI_MAX_UPLOAD_MB; spreadsheets: LINLI_MAX_IMPORT_MB) are
# checked by linli.core.uploads. Larger files spill from memory to a temporary file; the request
# body outside files stays small.
LINLI_MAX_UPLOAD_MB = int(os.environ.get("LINLI_MAX_UPLOAD_MB", "5"))
LINLI_MAX_IMPORT_MB = int(os.environ.get("LINLI_MAX_IMPORT_MB", "20"))
# A spreadsheet (a zip) is refused before it is opened when it would expand beyond this many MB or
# holds more entries than this (DESIGN §5 v1.1); imports parsed inside a web request (meter readings,
# project progress) take up to LINLI_INLINE_IMPORT_MB, larger files go through a job or a command.
LINLI_MAX_XLSX_UNCOMPRESSED_MB = int(os.environ.get("LINLI_MAX_XLSX_UNCOMPRESSED_MB", "50"))
LINLI_MAX_XLSX_ENTRIES = int(os.environ.get("LINLI_MAX_XLSX_ENTRIES", "1000"))
LINLI_INLINE_IMPORT_MB = int(os.environ.get("LINLI_INLINE_IMPORT_MB", "10"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "linli.core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "linli.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    # List filters read ids and numbers through linli.core.params; JSON bodies have a depth limit.
    "DEFAULT_FILTER_BACKENDS": ["linli.core.filters.FilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["linli.core.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "linli.core.api_errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Linli 邻里 API",
    "DESCRIPTION": _("社区物业服务管理平台的公开接口（v1）。金额以字符串传递，时间为带时区的 ISO-8601。"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from the installed sidecar wheel: government networks are closed, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UnitUsageEnum": "linli.estates.models.Unit.Usage",
        "UnitStatusEnum": "linli.estates.models.Unit.Status",
        "OwnerKindEnum": "linli.estates.models.Owner.Kind",
        "OrganizationKindEnum": "linli.orgs.models.Organization.Kind",
        "MembershipRoleEnum": "linli.orgs.models.Role",
        "ServiceRequestKindEnum": "linli.servicedesk.models.Kind",
        "ServiceRequestStatusEnum": "linli.servicedesk.models.Status",
        "ServiceRequestChannelEnum": "linli.servicedesk.models.Channel",
        "ServiceRequestPriorityEnum": "linli.servicedesk.models.Priority",
        "FeeRuleKindEnum": "linli.billing.models.FeeRule.Kind",
        "BillStatusEnum": "linli.billing.models.Bill.Status",
        "MotionMatterEnum": "linli.governance.models.Matter",
        "FundUsageModeEnum": "linli.governance.models.FundUsage.Mode",
        "VoteChannelEnum": "linli.governance.models.Vote.Channel",
        "PaymentMethodEnum": "linli.billing.models.Payment.Method",
        "WorkKindEnum": "linli.operations.models.WorkKind",
        "TaskTemplateKindEnum": "linli.operations.models.TaskTemplate.Kind",
        "PatrolCheckInMethodEnum": "linli.operations.models.PatrolCheckIn.Method",
        "AssetKindEnum": "linli.operations.models.Asset.Kind",
        "ProjectKindEnum": "linli.operations.models.Project.Kind",
    },
    # The schema says what the API answers (errors, times; see linli/core/schema.py): the fuzz
    # of .ci/fuzz holds every response to it.
    "PREPROCESSING_HOOKS": ["linli.core.schema.drop_refused_operations"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "linli.core.schema.document_errors"],
}

# The cache holds the API's login throttle counts (DESIGN §8), so every worker must see the same
# ones: Redis when REDIS_URL is set (any number of servers); otherwise in production a folder under
# LINLI_VAR_DIR, which all gunicorn workers of this machine share. Only the single-process
# development server keeps them in its own memory.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}

# An owner's bill list, keyed on what it depends on (linli/billing/api/list_cache.py): per
# process, since a key can never name a stale answer.
CACHES["bill_lists"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "linli-bill-lists",
                        "OPTIONS": {"MAX_ENTRIES": 5000}}

# Jobs run in a separate consumer (`make run` starts it). SQLite storage needs no server;
# REDIS_URL switches to Redis for several consumers. Tests run tasks inline.
HUEY_IMMEDIATE = env_flag("LINLI_HUEY_IMMEDIATE", False)
if os.environ.get("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "linli",
        "url": os.environ["REDIS_URL"],
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "linli",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

# The notification provider sends SMS and WeChat messages. Only the sandbox exists on this
# network: it stores each message in the outbox table, where staff and tests can read it.
LINLI_NOTIFICATION_PROVIDER = os.environ.get(
    "LINLI_NOTIFICATION_PROVIDER", "linli.core.notify.SandboxProvider"
)

# Schedules and rules that differ between deployments (read where they are used, with these defaults).
LINLI_BILLING_DAY = int(os.environ.get("LINLI_BILLING_DAY", "1"))  # day of the month of the billing run
LINLI_BILLING_HOUR = int(os.environ.get("LINLI_BILLING_HOUR", "2"))
LINLI_DAILY_REVIEW_AT = os.environ.get("LINLI_DAILY_REVIEW_AT", "17:30")  # 日清日审 snapshot time
LINLI_SERVICE_AUTO_CLOSE_DAYS = int(os.environ.get("LINLI_SERVICE_AUTO_CLOSE_DAYS", "3"))
# Publicity of a negative-vote maintenance-fund plan, in days (篇三 §三(四)); a value below 7 counts as 7.
LINLI_FUND_PUBLICITY_MIN_DAYS = int(os.environ.get("LINLI_FUND_PUBLICITY_MIN_DAYS", "7"))
# The sandbox payment provider confirms payments on a page of Linli with no money moving, so it
# exists only where that is wanted: on by default with DEBUG, off in production unless set to 1.
LINLI_PAYMENT_SANDBOX = env_flag("LINLI_PAYMENT_SANDBOX", DEBUG)
# The sandbox payment provider signs its callbacks with this key (derived from SECRET_KEY if empty).
LINLI_PAYMENT_SANDBOX_SECRET = os.environ.get("LINLI_PAYMENT_SANDBOX_SECRET", "")
# How much an online order may pay beyond what the unit owes (its open bills with their late fees),
# counting the credit the unit already holds. 0 by default: paying online settles bills, and
# paying ahead is the cashier's business, on a receipt across the counter. A deployment that takes
# prepayments online sets the amount in yuan (e.g. 3000.00).
LINLI_PREPAYMENT_CAP = Decimal(os.environ.get("LINLI_PREPAYMENT_CAP", "0"))
# Online payment orders (WeChat Pay, Alipay): the public address the gateways call back, e.g.
# https://wuye.example.com (empty: built from the request that creates the order), and how long an
# unpaid order stays open before the periodic job closes it at the gateway.
LINLI_PUBLIC_BASE_URL = os.environ.get("LINLI_PUBLIC_BASE_URL", "").rstrip("/")
LINLI_PAYMENT_ORDER_TIMEOUT_MINUTES = int(os.environ.get("LINLI_PAYMENT_ORDER_TIMEOUT_MINUTES", "30"))

# Each link of the audit chain is an HMAC-SHA256 under this key (DESIGN §5 v1.1), kept outside the
# database so that whoever can write to the database cannot recompute the links. Empty: derived
# from SECRET_KEY (linli.core.audit.chain_key); `manage.py audit_rekey` moves the chain to a new key.
LINLI_AUDIT_KEY = os.environ.get("LINLI_AUDIT_KEY", "")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_flag("LINLI_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_flag("LINLI_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_flag("LINLI_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("LINLI_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("LINLI_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("LINLI_HSTS_PRELOAD", True)

# Behind nginx every request comes from the proxy; it sets the client's address in this header
# (HTTP_X_REAL_IP from $remote_addr), which login throttling (django-axes and the API's throttle)
# then counts. Empty: the socket's peer address. Never a header the client can choose, such as
# X-Forwarded-For as the client sent it.
LINLI_CLIENT_IP_HEADER = os.environ.get("LINLI_CLIENT_IP_HEADER", "")

# Login throttling (DESIGN §8): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is refused, even with the right password, until the cool-off has passed.
AXES_FAILURE_LIMIT = int(os.environ.get("LINLI_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LINLI_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "linli.orgs.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "linli.orgs.auth.client_ip"

# The optional second factor (TOTP) of staff and regulators: the issuer names the account in the
# authenticator app.
OTP_TOTP_ISSUER = os.environ.get("LINLI_OTP_ISSUER", "邻里")

# Content-Security-Policy (django-csp 4): scripts only from our own static files or with the
# request's nonce; nothing may frame the pages. Style attributes stay allowed (style-src-attr):
# templates size progress bars with them and ECharts writes its tooltips as HTML with style
# attributes; style elements and sheets still come only from our static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-elem": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "INFO")},
    # django-axes announces its configuration at every start; its lockout warnings still show.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}
