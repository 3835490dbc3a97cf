"""Settings for Linli, read from the environment (DESIGN §5).

With no environment at all this is a development setup on 127.0.0.1 with SQLite under var/.
Production sets LINLI_SECRET_KEY, LINLI_DEBUG=0 and LINLI_ALLOWED_HOSTS (see docs/deploy.md).
"""

import os
from pathlib import Path

import dj_database_url
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
SECRET_KEY = os.environ.get("LINLI_SECRET_KEY") or "dev-only-insecure-key-set-LINLI_SECRET_KEY-in-production"
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
    "linli.core",
    "linli.orgs",
    "linli.estates",
    "linli.billing",
    "linli.servicedesk",
    "linli.governance",
    "linli.afterschool",
    "linli.oversight",
    "linli.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linli.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
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
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if (STATIC_ROOT / "staticfiles.json").exists()
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "linli.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
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
    },
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

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
# The sandbox payment provider signs its callbacks with this key (derived from SECRET_KEY if empty).
LINLI_PAYMENT_SANDBOX_SECRET = os.environ.get("LINLI_PAYMENT_SANDBOX_SECRET", "")

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "INFO")},
}
