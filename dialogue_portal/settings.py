"""Settings of the Dialogue Portal.

Every knob is an environment variable read once, here, through ``dialogue_portal.env``,
which refuses a bad value naming the variable. With nothing set the portal runs on
its embedded default: SQLite, a local-memory cache, Celery tasks run eagerly inside
the request and e-mail printed to the console.
"""

import datetime
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from . import env

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------------

DEBUG = env.read_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.read_str("DJANGO_SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-embedded-default-for-development-only"  # noqa: S105

ALLOWED_HOSTS = env.read_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
SITE_URL = env.read_site_url("DJANGO_SITE_URL", default="http://127.0.0.1:8000")

# Demo accounts are keyed on their own switch, not on DEBUG: pytest-django forces
# DEBUG off, and a production site must never grow a known password by accident.
DEMO_ACCOUNTS = env.read_bool("DJANGO_DEMO_ACCOUNTS", default=False)

# Staff (anyone the admin lets in, the secretariat among them) and Chairs must hold a
# TOTP second factor when this is on.
REQUIRE_MFA = env.read_bool("DJANGO_REQUIRE_MFA", default=not DEBUG)

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "csp",
    "post_office",
    "dialogue_portal",
    # Django's form templates, for the project's engine that renders forms (FORM_RENDERER).
    "django.forms",
    "stakeholders",
    "sessions.apps.DialogueSessionsConfig",
    "submissions",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "dialogue_portal.middleware.RequireSecondFactorMiddleware",
    "dialogue_portal.middleware.SignInNeedsCacheMiddleware",
]

ROOT_URLCONF = "dialogue_portal.urls"
WSGI_APPLICATION = "dialogue_portal.wsgi.application"
ASGI_APPLICATION = "dialogue_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dialogue_portal.context_processors.portal",
            ],
            # |bdi and {% content_lang %}: user text in any language and direction.
            "builtins": ["dialogue_portal.templatetags.portal_text"],
        },
    },
]

# Forms render through the project's templates: a check box beside its own label.
FORM_RENDERER = "dialogue_portal.forms.PortalFormRenderer"

# --- Data -------------------------------------------------------------------------

DATABASES = {"default": env.read_database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default, now

CACHES = {"default": env.read_cache("CACHE_URL")}
# Sessions stay in the database (Django's default, said here because it matters): a
# signed-in user keeps working while the cache is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

MEDIA_ROOT = env.read_path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain names while developing and
        # testing, where no collectstatic has run.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# --- E-mail -----------------------------------------------------------------------

# EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT and the rest, from one URL.
globals().update(env.read_email("EMAIL_URL"))
# Every message is first stored in the database (django-post-office), in the transaction
# of the change that causes it; dialogue_portal.mail delivers it through the backend of
# EMAIL_URL, retrying after 1, 2, 4 … minutes, 8 times (about four hours) before giving up.
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_BACKEND},  # noqa: F821 - set from EMAIL_URL just above
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": 8,
    "RETRY_INTERVAL": datetime.timedelta(minutes=1),
    "LOG_LEVEL": 1,  # failures only
    "MESSAGE_ID_ENABLED": True,
}
EMAIL_BACKEND = "post_office.EmailBackend"
DEFAULT_FROM_EMAIL = env.read_str("DJANGO_DEFAULT_FROM_EMAIL", "Dialogue Portal <no-reply@dialogues.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -----------------------------------------------------------

LANGUAGE_CODE = "en"
# The six official languages of the United Nations.
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
# The secretariat's own wording of some messages, searched before the portal's catalogs
# (README: Translations): Django takes a message from the first catalog that has it.
LOCALE_OVERRIDES = env.read_path("DJANGO_LOCALE_OVERRIDES", default=None)
LOCALE_PATHS = [*([LOCALE_OVERRIDES] if LOCALE_OVERRIDES else []), BASE_DIR / "locale"]
# "6 May 2022" and 24-hour times in English, in the admin too (dialogue_portal/formats/en).
FORMAT_MODULE_PATH = ["dialogue_portal.formats"]
USE_I18N = True
USE_TZ = True
# Dialogues are held in Vienna unless the venue says otherwise.
TIME_ZONE = "Europe/Vienna"

# --- Accounts (django-allauth) -------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "landing"  # by role: dialogue_portal.views.landing
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address in the browser that signed up signs the account in and goes on
# to the page the sign-up was for (an invitation's link): allauth does it only for the
# session that signed up, never for a confirmation link opened elsewhere.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Subjects start "[Dialogue Portal] ", in the reader's language (mail.subject_prefix).
ACCOUNT_ADAPTER = "dialogue_portal.accounts.PortalAccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
# The forms that store an address refuse control characters in it, as every form does.
ACCOUNT_FORMS = {
    "signup": "dialogue_portal.forms.SignupForm",
    "add_email": "dialogue_portal.forms.AddEmailForm",
}
# allauth's rate limits are on, at its defaults; the counters live in the cache. The
# failed sign-ins are spelled out because README.md promises them: at most 10 a minute
# from one client address, and 5 in any 5 minutes for one account. The account's limit
# is a sliding window, so it lapses by itself; refused attempts do not extend it, a
# password reset ends it, and the secretariat can end it from the users' admin page.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind the TLS proxy every request comes from the proxy's address: with this set,
# allauth takes the client's address from X-Forwarded-For, as many entries from the
# right as there are proxies of ours. Unset (0), the header is ignored, as anyone can
# send one.
ALLAUTH_TRUSTED_PROXY_COUNT = env.read_count("DJANGO_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Dialogue Portal"

# --- Celery -------------------------------------------------------------------------

CELERY_BROKER_URL = env.read_broker("CELERY_BROKER_URL")
# Without a broker the embedded default runs every task inside the request.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Handing a task to a broker that is down gives up within about a second: the request that
# asked is answered, and the periodic jobs do the work (e-mail waits in the database).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A task a worker took and never acknowledged (the worker was killed) goes back to the
# queue after this many seconds (Redis). Longer than any task runs, or a live one would be
# handed out twice; the test of a killed worker sets it short.
TASK_VISIBILITY_TIMEOUT = env.read_count("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    # How often a worker looks for such tasks: a tenth of the timeout, from 1 s to 60 s.
    "unacked_restore_interval": max(1, min(60, TASK_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = TIME_ZONE
# PDF renders take seconds and hundreds of megabytes: their own queue, so that e-mail
# never waits behind them, served by workers started with `-Q default,pdf` (or `-Q pdf`).
CELERY_TASK_ROUTES = {"reports.render_crp": {"queue": "pdf"}}
# A worker process that grew past this (in KiB) is replaced after its task: WeasyPrint's
# caches are not given back otherwise.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 600_000
# Every periodic job of the portal. `manage.py run_due_tasks` runs each of them once,
# for the embedded default and for cron; Celery beat runs them on this schedule.
CELERY_BEAT_SCHEDULE = {
    # E-mail a worker could not be asked to send (the broker was down), or that failed and
    # is due for a retry.
    "deliver-queued-mail": {
        "task": "dialogue_portal.deliver_mail",
        "schedule": 60.0,
    },
    "close-dialogues-past-deadlines": {
        "task": "sessions.close_dialogues_past_deadlines",
        "schedule": crontab(minute="*/15"),
    },
    # Silence is consent: admit circulated requests once the deadline for objections passed.
    "admit-accreditations-after-silence": {
        "task": "stakeholders.admit_after_silence",
        "schedule": crontab(hour=0, minute=30),
    },
    # CRP renders no worker is doing: a worker that died, a broker that was down.
    "requeue-stale-crp-documents": {
        "task": "reports.requeue_stale_crp_documents",
        "schedule": 60.0,
    },
    # Files kept from a refused save of a written comment, whose form was left.
    "sweep-kept-comment-files": {
        "task": "submissions.sweep_kept_files",
        "schedule": crontab(hour=1, minute=15),
    },
}

# --- Security -----------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Production sits behind a proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container healthchecks speak plain HTTP
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [SITE_URL]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The TOTP set-up page shows its QR code as a data: image.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
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
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A PDF render's progress and font subsetting: a line per step, of no use in the log.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Stakeholders -------------------------------------------------------------------

# The non-objection procedure: States parties have at least this many days to object.
ACCREDITATION_OBJECTION_DAYS = 30
# Hosts where many organisations have pages side by side: a website there never
# identifies an organisation, so it never counts as a duplicate.
SHARED_WEB_HOSTS = frozenset(
    {
        "facebook.com", "instagram.com", "x.com", "twitter.com", "linkedin.com", "youtube.com",
        "tiktok.com", "vk.com", "t.me", "telegram.org", "wa.me", "whatsapp.com",
        "blogspot.com", "blogger.com", "wordpress.com", "medium.com", "substack.com",
        "tumblr.com", "wixsite.com", "wix.com", "weebly.com", "squarespace.com", "github.io",
        "gitlab.io", "google.com", "sites.google.com", "linktr.ee", "about.me", "canva.site",
    }
)  # fmt: skip

# --- The Chair's summary and its CRP ------------------------------------------------

# How long a worker holds a CRP render before another may take it over: longer than the
# render task's hard time limit (reports.tasks), so that a live worker never loses it.
CRP_RENDER_LEASE_SECONDS = env.read_count("CRP_RENDER_LEASE_SECONDS", default=180)

# --- Written comments -----------------------------------------------------------------

WRITTEN_COMMENT_MAX_WORDS = 2000
WRITTEN_COMMENT_MAX_ATTACHMENTS = 3
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# An attachment that is a ZIP archive (DOCX, ODT) may not unpack to more, nor hold more entries.
ATTACHMENT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
ATTACHMENT_MAX_ENTRIES = 1000
# Uploads larger than this go to a temporary file outside MEDIA_ROOT while they are checked.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
