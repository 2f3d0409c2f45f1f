"""Settings for the Ganzi service desk.

Everything comes from the environment. With nothing set you get the embedded
default: a SQLite file under var/, an in-memory channel layer, no
Elasticsearch, and a Celery broker on the local file system, so a single
machine with Python runs the whole product. Production sets DATABASE_URL,
REDIS_URL, ELASTICSEARCH_URL, SECRET_KEY, ALLOWED_HOSTS and HTTPS=true.
"""

import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)


def _embedded_secret_key() -> str:
    """A random key kept under var/, so the embedded default never runs on a
    well-known key and sessions survive a restart."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _embedded_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    # django.contrib.admin, open to administrators only (security).
    "helpdesk_site.people.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "django_filters",
    # django-axes and django-helpdesk under translatable names (vendor_apps.py).
    "helpdesk_site.vendor_apps.AxesConfig",
    # Chat before helpdesk: its template adds the chat panel to helpdesk's ticket page.
    "helpdesk_site.chat",
    "helpdesk_site.vendor_apps.HelpdeskConfig",
    "helpdesk_site.regions",
    "helpdesk_site.people",
    "helpdesk_site.tickets",
    "sla",
    "reporting",
    "rectification",
    "training",
    "quizzes",
    "residency",
    "inspections",
    "helpdesk_site.satisfaction",
    "kb",
    "helpdesk_site.outbox",
    "helpdesk_site.notices",
    "helpdesk_site.navigation",
    "keywork",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "helpdesk_site.people.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpdesk_site.people.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "helpdesk_site.tickets.middleware.TicketScopeMiddleware",
    "helpdesk_site.tickets.middleware.HelpdeskForStaffMiddleware",
    "helpdesk_site.tickets.middleware.HelpdeskBadInputMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk_site.urls"
WSGI_APPLICATION = "helpdesk_site.wsgi.application"
ASGI_APPLICATION = "helpdesk_site.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "helpdesk_site" / "templates"],
        "OPTIONS": {
            # App templates as usual; helpdesk's with their loose English
            # marked for translation (helpdesk_site/helpdesk_templates.py).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "helpdesk_site.helpdesk_templates.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

# Sessions live in the database alone: a login, a logout or a changed password
# must hold while Redis is down, and must not come back from a stale cache after.
SESSION_ENGINE = "django.contrib.sessions.backends.db"


def redis_cache(url: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            # A dead Redis reads as a miss and a write that goes nowhere, for
            # caches and throttles alike: pages keep working, only slower.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
            "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=1.0),
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "helpdesk_site.degraded"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "helpdesk_site.chat.pubsub.ChatChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# What a 503 (the database down or restarting) tells the client to wait, in seconds.
RETRY_AFTER_SECONDS = env.int("RETRY_AFTER_SECONDS", default=30)

# --- Celery ----------------------------------------------------------------
# Without Redis the broker is a folder: worker and beat still run, across
# processes, with no server to install.

CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _celery_queue = VAR_DIR / "celery" / "queue"
    _celery_queue.mkdir(parents=True, exist_ok=True)
    _celery_control = VAR_DIR / "celery" / "control"
    _celery_control.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_queue),
        "data_folder_out": str(_celery_queue),
        "control_folder": str(_celery_control),
    }
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}
# Outbox (issue 12): a task is acknowledged after it has run, not when a worker
# takes it, and queued again if its worker dies; each worker reserves one task
# at a time. Every task of the site is idempotent, so running one twice is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Auth, sessions, rate limits -------------------------------------------

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Five wrong passwords for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# --- Client addresses and the per-address limit (security) ---
# The reverse proxies in front of daphne (addresses or networks): only their
# X-Forwarded-For is read, from the right (helpdesk_site/people/addresses.py).
# Empty: the header is ignored and the connection's peer is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "helpdesk_site.people.addresses.client_address"
# Twenty wrong passwords from one address, whatever the accounts, lock the
# address for the same cool-off (helpdesk_site/people/lockout.py).
AXES_HANDLER = "helpdesk_site.people.lockout.LockoutHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
# --- end of client addresses ---

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "600/minute"},
}

# --- Language and time -----------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [
    BASE_DIR / "helpdesk_site" / "locale",
    # Fills gaps in django-helpdesk's own zh_Hans catalogue.
    BASE_DIR / "helpdesk_site" / "helpdesk_locale",
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files -----------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "helpdesk_site" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files are never served by a web server directly: every /media/ URL
# goes through a view that asks the scope module first.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------

vars().update(env.email("EMAIL_URL", default="consolemail://"))
# The sender every e-mail of the desk shows: a name from the office, an address from the server.
SERVICE_DESK_EMAIL_NAME = env.str("SERVICE_DESK_EMAIL_NAME", default="甘孜州政务服务平台运维服务台")
SERVICE_DESK_EMAIL_ADDRESS = env.str("SERVICE_DESK_EMAIL_ADDRESS", default="servicedesk@localhost")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default=f"{SERVICE_DESK_EMAIL_NAME} <{SERVICE_DESK_EMAIL_ADDRESS}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach the desk at: links in e-mail are built on it, and
# the Site's domain (helpdesk's own links) is set from it after each migrate.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Password recovery by e-mail, where the desk can send mail (otherwise an
# administrator or the county's supervisor gives a one-time password).
PASSWORD_RESET_BY_EMAIL = env.bool("PASSWORD_RESET_BY_EMAIL", default="EMAIL_URL" in env.ENVIRON)
# Reset requests per client address, and per e-mail address, in the window (seconds).
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=5)
PASSWORD_RESET_WINDOW = env.int("PASSWORD_RESET_WINDOW", default=3600)
PASSWORD_RESET_TIMEOUT = 3600 * 24
HELPDESK_USE_HTTPS_IN_EMAIL_LINK = SITE_URL.startswith("https://")

# --- Security --------------------------------------------------------------
# HTTPS=true is what a production deployment behind TLS sets; the embedded
# default serves plain HTTP on 127.0.0.1.

HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
# The container health check calls this over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (security; helpdesk_site/csp.py) ---
# The site's own pages: our origin only; an inline <script> or <style> needs
# the request's nonce ({{ request.csp_nonce }}); no inline event handlers.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Bootstrap draws its form controls with data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# django-helpdesk's staff pages (/helpdesk/): inline scripts, styles and
# handlers in its templates, and on the checklist pages two scripts from CDNs
# that it does not ship; nothing else from elsewhere.
CONTENT_SECURITY_POLICY_HELPDESK = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [
            SELF,
            UNSAFE_INLINE,
            "https://unpkg.com/sortablejs-make/Sortable.min.js",
            "https://cdn.jsdelivr.net/npm/jquery-sortablejs@latest/jquery-sortable.js",
        ],
        "style-src": [SELF, UNSAFE_INLINE],
    }
}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "helpdesk_site.csp.SiteCSPMiddleware",
)
# --- end of Content-Security-Policy ---

# --- django-helpdesk -------------------------------------------------------
# Teams mode would need pinax-teams; we scope by region and department instead.
HELPDESK_TEAMS_MODE_ENABLED = False
# Operators see the queues they are granted (one queue per subsystem).
HELPDESK_ENABLE_PER_QUEUE_STAFF_PERMISSION = True
HELPDESK_ALLOW_NON_STAFF_TICKET_UPDATE = False
# Reporters use the site's own portal; helpdesk's anonymous pages stay shut.
HELPDESK_VIEW_A_TICKET_PUBLIC = False
HELPDESK_SUBMIT_A_TICKET_PUBLIC = False
HELPDESK_REDIRECT_TO_LOGIN_BY_DEFAULT = True
HELPDESK_ANON_ACCESS_RAISES_404 = True
HELPDESK_API_ENABLED = True
HELPDESK_USE_CDN = False
HELPDESK_ENABLE_PASSWORD_RESET = False
HELPDESK_SHOW_CHANGE_PASSWORD = True
HELPDESK_KB_ENABLED = True
# helpdesk ships its e-mail templates in Chinese under the locale "zh".
HELPDESK_EMAIL_FALLBACK_LOCALE = "zh"
HELPDESK_VALIDATE_ATTACHMENT_TYPES = True
HELPDESK_VALID_EXTENSIONS = [
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".pdf",
    ".txt",
    ".log",
    ".docx",
    ".xlsx",
    ".zip",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

SITE_TITLE = _("Ganzi government-service platform service desk")

# --- SLA engine (sla/) -----------------------------------------------------
# The sweep fires due escalation steps and breaches; it is idempotent, so a
# missed or doubled beat does no harm.
CELERY_BEAT_SCHEDULE["sla-sweep"] = {"task": "sla.tasks.sweep", "schedule": 60.0}
# The fault-handling log names who paused, re-prioritised or resolved a ticket,
# also when django-helpdesk's staff views made the change.
MIDDLEWARE += ["sla.middleware.CurrentUserMiddleware"]

# --- Reports and satisfaction (reporting/, helpdesk_site/satisfaction/) --
# Period reports for the week, month and year before, every night shortly after
# midnight Asia/Shanghai on the day they fall due (Monday, the 1st, 1 January);
# the task itself decides which periods have just ended, so a late beat still
# catches up. The 差评 sweep fires follow-up reminders and overdue escalations.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["reporting-period-reports"] = {
    "task": "reporting.tasks.generate_due_reports",
    "schedule": crontab(minute=30, hour=0),
}
CELERY_BEAT_SCHEDULE["satisfaction-sweep"] = {
    "task": "satisfaction.tasks.sweep",
    "schedule": 300.0,
}
# Rectification items (rectification/) past their deadline day are marked
# overdue and escalated, each once; deadlines are whole days, so hourly is enough.
CELERY_BEAT_SCHEDULE["rectification-check-overdue"] = {
    "task": "rectification.tasks.check_overdue",
    "schedule": crontab(minute=5),
}
# Training plans (training/) at risk of missing the year's floor of rounds warn
# their supervisors; the rule counts working days, so once a day is enough.
CELERY_BEAT_SCHEDULE["training-warn-plans-at-risk"] = {
    "task": "training.tasks.warn_plans_at_risk",
    "schedule": crontab(minute=15, hour=8),
}
# Resident engineers' re-assessment deadlines (residency/): reminders 3 days and
# 1 day before and on the last day, then the missed ones flagged, each once;
# the deadlines are whole calendar days, so hourly is enough. The contract
# year (合同年度) starts on this month and day (MM-DD).
CELERY_BEAT_SCHEDULE["residency-sweep"] = {
    "task": "residency.tasks.sweep",
    "schedule": crontab(minute=10),
}
RESIDENCY_CONTRACT_YEAR_START = env.str("RESIDENCY_CONTRACT_YEAR_START", default="01-01")
# Who a Word report goes to (报送: the contract's client) and comes from (the
# operating organisation: the author, the header and the signature block);
# 抄送 lists further recipients, comma-separated. The Word report shows the
# first REPORT_WORD_LIST_ROWS rows of a long list, the workbook all of them.
REPORT_CLIENT = env.str("REPORT_CLIENT", default="甘孜藏族自治州政务服务和公共资源交易服务中心")
REPORT_OPERATING_ORGANISATION = env.str(
    "REPORT_OPERATING_ORGANISATION", default="甘孜州政务服务平台运维服务台"
)
REPORT_COPY_TO = env.list("REPORT_COPY_TO", default=["各县（市）政务服务中心"])
REPORT_WORD_LIST_ROWS = env.int("REPORT_WORD_LIST_ROWS", default=20)

# --- Outbox (helpdesk_site/outbox/, docs/outbox.md) --------------------------
# E-mail and other side effects wait in the database until delivered. Each
# commit that queues some kicks a delivery; this delivers whatever is due
# (queued while the broker was down, or due for a retry). A mail server that
# does not answer must not hold a delivery for ever.
CELERY_BEAT_SCHEDULE["outbox-deliver"] = {"task": "outbox.tasks.deliver", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["outbox-purge"] = {
    "task": "outbox.tasks.purge",
    "schedule": crontab(minute=45, hour=3),
}
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Knowledge base (kb/) ----------------------------------------------------
# Search runs on the database (PostgreSQL full text, or SQLite's fallback)
# unless ELASTICSEARCH_URL is set; when Elasticsearch is down, searches fall
# back to the database and changes wait in kb.IndexPending for the catch-up.
KB_SEARCH_BACKEND = "elasticsearch" if ELASTICSEARCH_URL else "db"
KB_ES_INDEX_PREFIX = env.str("KB_ES_INDEX_PREFIX", default="ganzi-kb")
KB_ES_TIMEOUT = env.float("KB_ES_TIMEOUT", default=2.0)
# Filing-form suggestions per user (or per address, for visitors): at most
# this many in any window of seconds, counted like chat's budgets.
KB_SUGGEST_LIMIT = env.int("KB_SUGGEST_LIMIT", default=60)
KB_SUGGEST_WINDOW = env.int("KB_SUGGEST_WINDOW", default=60)

# FAQ candidates group the tickets resolved in this many days: redone each
# night, and the tickets resolved since placed among them every hour.
KB_CANDIDATE_WINDOW_DAYS = env.int("KB_CANDIDATE_WINDOW_DAYS", default=90)
CELERY_BEAT_SCHEDULE["kb-propose-faq-candidates"] = {
    "task": "kb.tasks.propose_faq_candidates",
    "schedule": crontab(minute=30, hour=2),
}
CELERY_BEAT_SCHEDULE["kb-join-new-candidate-tickets"] = {
    "task": "kb.tasks.join_new_candidate_tickets",
    "schedule": 3600,
}
CELERY_BEAT_SCHEDULE["kb-index-catch-up"] = {
    "task": "kb.tasks.index_catch_up",
    "schedule": 300,
}
# Search ranks with term statistics counted here, off the request path (a
# scan of every ticket: seconds at 100,000); FAQ changes refresh theirs on
# commit, so this period is how far ticket statistics may lag.
CELERY_BEAT_SCHEDULE["kb-refresh-term-statistics"] = {
    "task": "kb.tasks.refresh_term_statistics",
    "schedule": env.int("KB_TERM_STATISTICS_SECONDS", default=3600),
}

# --- Chat (在线沟通) --------------------------------------------------------
# Message length, the per-user budget (messages in any window of seconds,
# counted in Redis with django-redis, else in the process) and how many
# messages one history page or resume returns.
CHAT_MAX_BODY_CHARS = env.int("CHAT_MAX_BODY_CHARS", default=4000)
CHAT_RATE_LIMIT = env.int("CHAT_RATE_LIMIT", default=20)
CHAT_RATE_WINDOW = env.int("CHAT_RATE_WINDOW", default=60)
CHAT_HISTORY_PAGE = 200
# Frames of every kind one socket may send in any window of seconds; open
# sockets one user may hold per daphne process; how long a message's
# client_id turns a repeat into a replay of the first (seconds).
CHAT_FRAME_RATE_LIMIT = env.int("CHAT_FRAME_RATE_LIMIT", default=120)
CHAT_FRAME_RATE_WINDOW = env.int("CHAT_FRAME_RATE_WINDOW", default=60)
CHAT_MAX_SOCKETS_PER_USER = env.int("CHAT_MAX_SOCKETS_PER_USER", default=20)
CHAT_IDEMPOTENCY_WINDOW = env.int("CHAT_IDEMPOTENCY_WINDOW", default=24 * 3600)
# Threads per daphne process for the sockets' database work (see chat/consumers.py).
CHAT_DATABASE_THREADS = env.int("CHAT_DATABASE_THREADS", default=2)
# A panel polling for replies reads again those written within this many
# seconds (a reply's transaction may commit after a later one's); and a
# reporter hears of a burst of chat lines on a ticket once per this many minutes.
CHAT_REPLY_SETTLE_SECONDS = env.int("CHAT_REPLY_SETTLE_SECONDS", default=120)
CHAT_NOTICE_QUIET_MINUTES = env.int("CHAT_NOTICE_QUIET_MINUTES", default=10)

# --- Audit trail and no hard deletes (helpdesk_site/audit/, docs/audit.md) ---
# django-simple-history keeps a before/after copy of every change to tickets,
# their details, follow-ups, attachments, SLA clocks and FAQs (on SQLite and
# PostgreSQL alike); django-pgtrigger makes the fault-handling log append-only
# in PostgreSQL itself. "Who" comes from sla.middleware.CurrentUserMiddleware.
INSTALLED_APPS += ["simple_history", "pgtrigger", "helpdesk_site.audit"]


# helpdesk calls this setting for its ticket-list query class.
def HELPDESK_QUERY_CLASS():
    from helpdesk_site.audit.helpdesk_query import query_class

    return query_class()


# --- Backup and restore (helpdesk_site/backups/, docs/backup.md) -------------
# `manage.py backup` writes one archive (database, uploaded files, stored
# reports) under VAR_DIR/backups unless told where; `manage.py restore` reads it.
INSTALLED_APPS += ["helpdesk_site.backups"]

# --- Idempotent submits (helpdesk_site/tickets/idempotency.py) ---------------
# A repeated form post or API call with the same token within this many
# seconds answers what the first one answered; older tokens are purged.
IDEMPOTENCY_WINDOW_SECONDS = env.int("IDEMPOTENCY_WINDOW_SECONDS", default=24 * 3600)

# --- Training assessment (quizzes/) -------------------------------------------
# Attempts whose time ran out unsubmitted are scored as of their deadline.
CELERY_BEAT_SCHEDULE["quizzes-close-expired"] = {
    "task": "quizzes.tasks.close_expired",
    "schedule": 300.0,
}

# --- Key work (keywork/) -----------------------------------------------------
# Owners are reminded this many working days before a
# milestone's or an item's deadline, and the supervisors told on the first
# working day after a missed one, each once; deadlines are whole days, so
# hourly is enough.
CELERY_BEAT_SCHEDULE["keywork-sweep"] = {
    "task": "keywork.tasks.sweep",
    "schedule": crontab(minute=20),
}
KEYWORK_REMIND_WORKING_DAYS = env.int("KEYWORK_REMIND_WORKING_DAYS", default=3)
# --- Inspections and spot checks (inspections/) ------------------------------
# Inspections (inspections/): each plan's due runs are made on their working
# day and the runs not recorded by the end of it are flagged as missed, each
# once; a run is due for a whole day, so every quarter of an hour is enough.
CELERY_BEAT_SCHEDULE["inspections-sweep"] = {
    "task": "inspections.tasks.sweep",
    "schedule": crontab(minute="*/15"),
}
# --- Report roll-up (reporting/) ----------------------------------------------
# Finished days' ticket counts are kept so that a report over a year adds up
# days; a change to a ticket marks its days stale, and this counts them again
# (and, after midnight, the day just ended). Reports count stale days live.
CELERY_BEAT_SCHEDULE["reporting-roll-up"] = {
    "task": "reporting.tasks.roll_up",
    "schedule": crontab(minute="*/10"),
}
