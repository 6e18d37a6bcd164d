"""Django settings. The environment is read here and nowhere else.

With no environment variables the app runs embedded: SQLite, the in-memory channel layer,
Celery tasks run in-process. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL,
channels_redis and a real Celery worker. Every variable is listed in docker/.env.example.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ

from annotator.secret_key import secret_key
from annotator.settings_checks import check_environment

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Every enumerated or numeric variable is checked before it is read (annotator/settings_checks.py):
# a bad value stops the process with the variable's name and the values it takes.
check_environment(os.environ)

# Off unless asked for: a 500 with DEBUG on shows settings and tracebacks to whoever caused it.
# ``make run`` (scripts/run.sh) asks for it; a server never should.
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# An empty value (as in docker/.env.example) means the default too.
VAR_DIR = Path(env.str("MASKLOOP_VAR_DIR", default="") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

# DJANGO_SECRET_KEY signs sessions and CSRF tokens; a deployment sets it (every web process the
# same). Without it, a random key is made once and kept in the var folder, so a single-machine
# install never runs on a key that anyone else knows. Keys that were ever public are refused.
SECRET_KEY = secret_key(env.str("DJANGO_SECRET_KEY", default=""), VAR_DIR / "secret_key")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Behind a TLS-terminating proxy (docker/nginx): trust its X-Forwarded-Proto, redirect plain
# HTTP, send HSTS, keep cookies to HTTPS. On by default whenever DEBUG is off.
MASKLOOP_TLS = env.bool("MASKLOOP_TLS", default=not DEBUG)
if MASKLOOP_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("MASKLOOP_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("MASKLOOP_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("MASKLOOP_HSTS_PRELOAD", default=True)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "channels",
    "axes",
    "annotator.projects",
    "annotator.images",
    "annotator.interactions",
    "annotator.annotations",
    "annotator.adaptation",
    "annotator.review",
    "annotator.exports",
    "annotator.analytics",
    "annotator.pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Content-Security-Policy (django-csp): the pages load scripts, styles, fonts and images from this
# site only; no inline script or style, no plugin, no framing. Images may also be data: and blob:
# URLs (canvases read back, mattes downloaded); the socket is this site's ('self' covers ws/wss).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "annotator.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "annotator.wsgi.application"
ASGI_APPLICATION = "annotator.asgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'maskloop.sqlite3'}"),
}
# Keep connections open between requests, tasks and consumer calls: a new PostgreSQL
# connection per click costs milliseconds of the click's latency budget.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("MASKLOOP_DB_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The test database is a file too, so a server thread and the tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_maskloop.sqlite3")}
    # A transaction takes SQLite's write lock when it begins, so two that both write wait for
    # each other instead of failing ("database is locked") when the second one writes.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login protection (django-axes), on the login page and the token endpoint alike: after
# MASKLOOP_LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that pair is
# refused (429) for MASKLOOP_LOGIN_LOCKOUT_MINUTES; an admin sees and lifts lockouts on /users/.
# Username and address together, so a stranger cannot lock a colleague out from elsewhere and
# an office behind one address is not locked out by one person's typos.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("MASKLOOP_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("MASKLOOP_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "annotator.projects.login_guard.lockout_response"
AXES_VERBOSE = False
# Behind the TLS proxy the client's address is the one it adds to X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = 1 if MASKLOOP_TLS else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if MASKLOOP_TLS else ["REMOTE_ADDR"]
)

CSRF_FAILURE_VIEW = "annotator.common.error_pages.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# WhiteNoise serves static files under any ASGI server; finders avoid a collectstatic step locally.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env.str("MASKLOOP_MEDIA_ROOT", default="") or VAR_DIR / "media")
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    # Scripts send "Authorization: Token <key>" (no CSRF token needed); pages use the session.
    # Token first, so an anonymous call gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "annotator.common.api_schema.ErrorsSchema",
    # JSON only, bounded in depth: a form-encoded body is refused (415), never read by a form's rules.
    "DEFAULT_PARSER_CLASSES": ["annotator.common.json_parser.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "annotator.common.exception_handler.handle_api_exception",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maskloop API",
    "VERSION": "0.1.0",
    "ENUM_NAME_OVERRIDES": {
        "ImageStatusEnum": "annotator.images.models.ImageStatus",
        "ReplayCheckStatusEnum": "annotator.adaptation.models.CheckStatus",
        "ExportFormatEnum": "annotator.exports.models.ExportFormat",
        "ImportFormatEnum": "annotator.exports.models.ImportFormat",
        "JobStateEnum": "annotator.exports.models.JobState",
    },
}

# Who may create projects: "staff" (site staff only) or "all" (every logged-in user).
MASKLOOP_PROJECT_CREATORS = env.str("MASKLOOP_PROJECT_CREATORS", default="staff")

# E-mail (invitations that name an address are sent there): an EMAIL_URL such as
# smtp+tls://user:password@mail.example.org:587; by default printed to the server's console.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="maskloop@localhost")
vars().update(environ.Env.email_url_config(env.str("EMAIL_URL", default="") or "consolemail://"))

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: one PUBLISH per relayed frame, pushed to the subscribed web
            # processes, where the core layer's lists take four round trips and a blocking pop
            # (a click's answer about 1 ms sooner: docs/performance.md, "Click round trip"). A frame
            # published while a subscription reconnects is lost: the page asks for its
            # session's state again when an answer is overdue (MASKLOOP_PAGE_RESYNC_MS).
            # Connecting and each answer are bounded, so a broker that is down or stalled
            # fails a send within seconds instead of holding the consumer or the relay.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_connect_timeout": env.float("MASKLOOP_CHANNEL_CONNECT_TIMEOUT", default=2.0),
                        "socket_timeout": env.float("MASKLOOP_CHANNEL_SOCKET_TIMEOUT", default=5.0),
                    }
                ],
                "prefix": env.str("MASKLOOP_CHANNEL_PREFIX", default="maskloop"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env.str("MASKLOOP_TASK_QUEUE", default="interactive")
# Batch work (dataset exports and imports) goes to this shared queue, which the workers that
# answer clicks do not consume: start one or more workers with -Q on it.
MASKLOOP_BATCH_QUEUE = env.str("MASKLOOP_BATCH_QUEUE", default="batch")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection around every task unless this is set;
# annotator/celery.py instead applies Django's own rules (CONN_MAX_AGE, health checks) per task.
CELERY_DB_REUSE_MAX = 1_000_000

# The annotation page asks for its session's state again when its events have had no answer for
# this long with the socket open (an answer lost on the way; see live_session.js).
MASKLOOP_PAGE_RESYNC_MS = env.int("MASKLOOP_PAGE_RESYNC_MS", default=15000)

# A page correcting a saved object holds it for this long past its last beat (it beats every
# third of it); nobody else corrects the object meanwhile.
MASKLOOP_OBJECT_LOCK_SECONDS = env.int("MASKLOOP_OBJECT_LOCK_SECONDS", default=60)

# What one annotation page's socket may send (annotator/interactions/frame_limits.py): the largest
# frame (bytes), frames at once and then a second (a token bucket), points in a scribble or stroke.
MASKLOOP_SOCKET_MAX_FRAME_BYTES = env.int("MASKLOOP_SOCKET_MAX_FRAME_BYTES", default=256 * 1024)
MASKLOOP_SOCKET_BURST = env.int("MASKLOOP_SOCKET_BURST", default=60)
MASKLOOP_SOCKET_RATE = env.float("MASKLOOP_SOCKET_RATE", default=20.0)
MASKLOOP_SOCKET_STROKE_POINTS = env.int("MASKLOOP_SOCKET_STROKE_POINTS", default=2000)
# Model steps (clicks, boxes, scribbles) one session may ask for: at once, then a second. Above a
# worker's pace one page would keep its worker busy for everyone sharing it; a person clicks
# well below it.
MASKLOOP_SESSION_MODEL_BURST = env.int("MASKLOOP_SESSION_MODEL_BURST", default=10)
MASKLOOP_SESSION_MODEL_RATE = env.float("MASKLOOP_SESSION_MODEL_RATE", default=4.0)

# Exports: an object whose polygons would keep less of its mask (IoU) keeps its exact RLE in the
# COCO polygons export, and is listed in the export's report.
MASKLOOP_EXPORT_POLYGON_MIN_IOU = env.float("MASKLOOP_EXPORT_POLYGON_MIN_IOU", default=0.99)
# Mattes are computed once per object revision on the batch queue, never in a request. The crop
# around the object is matted at full resolution up to this many pixels and scaled down to it
# beyond (the solver works at 400 px anyway), so a worker's memory stays bounded. A matte still
# pending after MASKLOOP_MATTE_STALE_SECONDS (its task lost) is started again when asked for.
MASKLOOP_MATTE_MAX_PIXELS = env.int("MASKLOOP_MATTE_MAX_PIXELS", default=4_000_000)
MASKLOOP_MATTE_STALE_SECONDS = env.int("MASKLOOP_MATTE_STALE_SECONDS", default=600)
# Analytics: a gap between two events of a session longer than this is idle time, left out of
# the object's active time; an open session whose last event is older than this counts as
# abandoned when rows are backfilled (``manage.py analytics_backfill``).
MASKLOOP_ANALYTICS_IDLE_SECONDS = env.float("MASKLOOP_ANALYTICS_IDLE_SECONDS", default=60.0)
MASKLOOP_ANALYTICS_ABANDONED_AFTER_MINUTES = env.int("MASKLOOP_ANALYTICS_ABANDONED_AFTER_MINUTES", default=30)

# Images: formats accepted on upload and the pixel limit, checked from the header before decoding.
MASKLOOP_ALLOWED_IMAGE_FORMATS = env.list("MASKLOOP_ALLOWED_IMAGE_FORMATS", default=["JPEG", "PNG", "WEBP"])
MASKLOOP_MAX_IMAGE_PIXELS = env.int("MASKLOOP_MAX_IMAGE_PIXELS", default=50_000_000)
MASKLOOP_MAX_UPLOAD_BYTES = env.int("MASKLOOP_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Request bodies, bounded before Django reads them (annotator/common/body_limit.py): anything
# larger than ANONYMOUS only from a logged-in caller or a token holder; at most MAX_BODY bytes,
# or the upload limit (plus room for the form around the file) on the views that take files.
MASKLOOP_MAX_ANONYMOUS_BODY_BYTES = env.int("MASKLOOP_MAX_ANONYMOUS_BODY_BYTES", default=64 * 1024)
MASKLOOP_MAX_BODY_BYTES = env.int("MASKLOOP_MAX_BODY_BYTES", default=4 * 1024 * 1024)
# A dataset import's zip (it is spooled to disk, never held in memory).
MASKLOOP_MAX_IMPORT_BYTES = env.int("MASKLOOP_MAX_IMPORT_BYTES", default=4 * 1024 * 1024 * 1024)
# JSON bodies: nested at most this deep (the deepest the API takes is a handful of levels).
MASKLOOP_JSON_MAX_DEPTH = env.int("MASKLOOP_JSON_MAX_DEPTH", default=32)
# ... its strings at most this many characters, its lists and objects at most this many items (a
# selection of images to export is the longest list the API takes).
MASKLOOP_JSON_MAX_STRING = env.int("MASKLOOP_JSON_MAX_STRING", default=64 * 1024)
MASKLOOP_JSON_MAX_ITEMS = env.int("MASKLOOP_JSON_MAX_ITEMS", default=100_000)

# Engines: GrabCut's working size and iterations, and the worker's prepared-image cache size.
MASKLOOP_GRABCUT_MAX_SIDE = env.int("MASKLOOP_GRABCUT_MAX_SIDE", default=320)
MASKLOOP_GRABCUT_ITERATIONS = env.int("MASKLOOP_GRABCUT_ITERATIONS", default=1)
MASKLOOP_PREPARED_CACHE_BYTES = env.int("MASKLOOP_PREPARED_CACHE_BYTES", default=512 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("MASKLOOP_LOG_LEVEL", default="WARNING")},
}

# SAM: official checkpoints live in this folder (``manage.py fetch_weights vit_b`` puts them
# there). A project set to SAM whose checkpoint is missing runs GrabCut, and the page says so.
MASKLOOP_WEIGHTS_DIR = Path(env.str("MASKLOOP_WEIGHTS_DIR", default="") or VAR_DIR / "weights")
# "cuda" or "cpu"; empty: CUDA when the worker has it.
MASKLOOP_SAM_DEVICE = env.str("MASKLOOP_SAM_DEVICE", default="") or None
# The decoder under bfloat16 autocast: about 20 % faster per click on CPUs with AVX-512 BF16.
MASKLOOP_SAM_DECODER_BF16 = env.bool("MASKLOOP_SAM_DECODER_BF16", default=False)
# The decoder compiled by TorchInductor (torch.compile): about two thirds of the time per click on a
# CPU. Needs a C++ compiler on the worker (without one it runs eagerly and logs why); a worker
# compiles when it starts, before it takes sessions (about a minute on two cores).
MASKLOOP_SAM_COMPILE = env.bool("MASKLOOP_SAM_COMPILE", default=False)
# Image embeddings shared between workers through Redis (empty: each worker keeps its own).
MASKLOOP_EMBEDDING_REDIS_URL = env.str("MASKLOOP_EMBEDDING_REDIS_URL", default="")
MASKLOOP_EMBEDDING_TTL_SECONDS = env.int("MASKLOOP_EMBEDDING_TTL_SECONDS", default=24 * 3600)

# Worker affinity: each worker beats every HEARTBEAT seconds; one silent for TIMEOUT seconds is
# taken for dead, and its sessions move to the least loaded live worker. A session counts
# towards a worker's load while it is open and was pinned, or had an event, within
# PLACEMENT_ACTIVE seconds (docs/click-path.md, invariant 9).
MASKLOOP_WORKER_HEARTBEAT_SECONDS = env.float("MASKLOOP_WORKER_HEARTBEAT_SECONDS", default=2.0)
MASKLOOP_WORKER_TIMEOUT_SECONDS = env.float("MASKLOOP_WORKER_TIMEOUT_SECONDS", default=10.0)
MASKLOOP_PLACEMENT_ACTIVE_SECONDS = env.float("MASKLOOP_PLACEMENT_ACTIVE_SECONDS", default=600.0)
# The longest a step's transaction may sit idle (its engine running, no statement) before
# PostgreSQL ends it and frees its session (invariant 8). It must outlast a step's engine time:
# up to STEP_MAX_EVENTS engine calls and an image's preparation where the worker lacks it (SAM
# vit_b's encoder: 10 to 11 s on two CPU cores). A step that runs longer is ended too; its
# events stay pending and the heartbeat starts their step again (invariant 11).
MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS = env.float("MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS", default=30.0)
# A step applies at most STEP_MAX_EVENTS of a session's pending events; the rest go to the next
# step, queued behind other sessions' steps. Each heartbeat starts a step again for a session of
# its worker (or of none) whose events have waited RETRY seconds with no step running.
MASKLOOP_STEP_MAX_EVENTS = env.int("MASKLOOP_STEP_MAX_EVENTS", default=20)
MASKLOOP_PENDING_RETRY_SECONDS = env.float("MASKLOOP_PENDING_RETRY_SECONDS", default=5.0)
# Class decoders (online adaptation): every version keeps its history row; the full state
# (weights and Adam moments) is kept for every KEEP_EVERY-th version and the last KEEP_LAST.
MASKLOOP_DECODER_KEEP_EVERY = env.int("MASKLOOP_DECODER_KEEP_EVERY", default=10)
MASKLOOP_DECODER_KEEP_LAST = env.int("MASKLOOP_DECODER_KEEP_LAST", default=5)
# Online adaptation of SAM's decoder (seed 004), the defaults of a project that has not chosen:
# on or off; click adaptation "reset", "continual" or "off"; the result mask "eroded",
# "untreated" or "off", merged with the click mask (CM); Adam's learning rate; erosions k.
MASKLOOP_ADAPTATION_ENABLED = env.bool("MASKLOOP_ADAPTATION_ENABLED", default=True)
MASKLOOP_ADAPTATION_CLICK = env.str("MASKLOOP_ADAPTATION_CLICK", default="reset")
MASKLOOP_ADAPTATION_RESULT = env.str("MASKLOOP_ADAPTATION_RESULT", default="eroded")
MASKLOOP_ADAPTATION_CLICK_MASK = env.bool("MASKLOOP_ADAPTATION_CLICK_MASK", default=True)
MASKLOOP_ADAPTATION_LR = env.float("MASKLOOP_ADAPTATION_LR", default=1e-6)
MASKLOOP_ADAPTATION_EROSIONS = env.int("MASKLOOP_ADAPTATION_EROSIONS", default=5)
# The replay check: how many of the class's latest accepted objects, at most how many clicks.
MASKLOOP_REPLAY_OBJECTS = env.int("MASKLOOP_REPLAY_OBJECTS", default=20)
MASKLOOP_REPLAY_MAX_CLICKS = env.int("MASKLOOP_REPLAY_MAX_CLICKS", default=20)
