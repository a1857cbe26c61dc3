"""Configuration classes read from the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

INSTANCE = Path(os.environ.get("COHORT_INSTANCE_PATH", Path(__file__).parent / "instance")).resolve()


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key() -> str:
    """Read the development key from the instance folder, creating it on first use."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _days(name: str) -> int | None:
    """A number of days from the environment; unset or empty: None."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number of days, or empty, not {value!r}.")
    return int(value)


def _allowed_hosts(default_url: str | None = None) -> list[str] | None:
    """ALLOWED_HOSTS, comma-separated; unset, the host of `default_url` when given; `*` or
    nothing at all: any host."""
    value = os.environ.get("ALLOWED_HOSTS")
    if value is None and default_url:
        value = urlsplit(default_url).hostname or ""
    names = [name.strip() for name in (value or "").split(",") if name.strip()]
    return None if not names or "*" in names else names


def driver_url(url: str) -> str:
    """A database URL as SQLAlchemy takes it: the common postgres:// and postgresql://
    spellings use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _database_url() -> str:
    return driver_url(os.environ.get("DATABASE_URL")
                      or f"sqlite:///{INSTANCE / 'cohort.sqlite3'}")


class Config:
    SQLALCHEMY_DATABASE_URI = property(lambda self: _database_url())
    # A connection to a database server can be dropped between requests: check it before use.
    # A SQLite file cannot, so it skips the extra round trip on every request.
    SQLALCHEMY_ENGINE_OPTIONS = property(lambda self: {
        "pool_pre_ping": not str(self.SQLALCHEMY_DATABASE_URI).startswith("sqlite")})
    TIMEZONE = os.environ.get("TIMEZONE", "Europe/London")
    SERVICE_NAME = "Cohort"

    # Mail: "file" writes to the instance folder, "smtp" sends through MAIL_SERVER.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Cohort <no-reply@cohort.localhost>")
    MAIL_DIRECTORY = os.environ.get("MAIL_DIRECTORY", str(INSTANCE / "mail"))
    # The dispatcher (core/outbox.py): a claim left by a crash is retried after the lease; a
    # temporary failure after MAIL_RETRY_SECONDS, doubling each time, MAIL_MAX_ATTEMPTS at most.
    MAIL_CLAIM_LEASE = timedelta(seconds=int(os.environ.get("MAIL_CLAIM_LEASE_SECONDS", "300")))
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "30"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "5"))
    # How often the scheduler process sends what web requests queued.
    MAIL_DISPATCH_SECONDS = float(os.environ.get("MAIL_DISPATCH_SECONDS", "2"))
    # A reminder due after its event, missed while nothing ran, is still sent within this.
    REMINDER_GRACE = timedelta(hours=int(os.environ.get("REMINDER_GRACE_HOURS", "12")))
    # Tests only: a commit sends what it queued at once, so a test can read it.
    MAIL_SEND_AFTER_COMMIT = False
    # Once sent, the kept copy of a message loses its secret links (reset, invitation, status
    # page), so the mail log opens nobody's account. Development keeps them, for the demo.
    MAIL_LOG_REDACTS_LINKS = _bool("MAIL_LOG_REDACTS_LINKS", False)

    # Sessions (DESIGN.md section 6).
    SESSION_COOKIE_NAME = "cohort_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60")))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Sign-in throttling, counted in the database so every worker and host shares it.
    LOGIN_WINDOW = timedelta(minutes=15)
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30

    # An address the account signed in from is not locked out by failures from elsewhere.
    KNOWN_ADDRESS_DAYS = timedelta(days=90)

    # The public call: a link to confirm the answers, and how many such mails one address gets.
    APPLY_CONFIRM_LIFETIME = timedelta(hours=48)
    APPLY_LIMIT_WINDOW = timedelta(hours=1)
    APPLY_LIMIT_PER_EMAIL = 3
    # Applications that led to no place are deleted this many days after their cohort ends.
    APPLICATION_RETENTION_DAYS = int(os.environ.get("APPLICATION_RETENTION_DAYS", "365"))
    # The audit log's entries are kept this many days, then purged by the scheduler's sweep
    # (0 keeps them all).
    AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "730"))

    # A finished cohort's personal data goes this many days after its end date (the scheduler's
    # retention job; `flask cohort retention --dry-run` shows what would go). Unset: kept.
    RETENTION_DAYS_AFTER_FINISH = _days("RETENTION_DAYS_AFTER_FINISH")

    INVITATION_LIFETIME = timedelta(days=14)
    RESET_LIFETIME = timedelta(hours=2)
    # Reset mails: at most this many for one address, and from one client, in the window.
    RESET_LIMIT_WINDOW = timedelta(hours=1)
    RESET_LIMIT_PER_EMAIL = 3
    RESET_LIMIT_PER_CLIENT = 10

    # Argon2id parameters (RFC 9106 second recommended option by default).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # The largest file each kind of upload takes, read only by cohort/core/uploads.py: one a
    # member attaches on the board, a session's material, a framework file, people to invite. A request may be
    # a little larger than the largest.
    BOARD_UPLOAD_MB = int(os.environ.get("BOARD_UPLOAD_MB", "20"))
    MATERIAL_UPLOAD_MB = int(os.environ.get("MATERIAL_UPLOAD_MB", "5"))
    FRAMEWORK_UPLOAD_KB = int(os.environ.get("FRAMEWORK_UPLOAD_KB", "512"))
    # A CSV file of people to invite: its text travels back in the preview's confirmation
    # form, which must stay under Werkzeug's limit on a form field (500 KB) once encoded.
    IMPORT_UPLOAD_KB = int(os.environ.get("IMPORT_UPLOAD_KB", "100"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(
        (max(BOARD_UPLOAD_MB, MATERIAL_UPLOAD_MB, FRAMEWORK_UPLOAD_KB // 1024) + 2) * 1024 * 1024)))
    # A board search ranks at most this many of the most recent matches (the page says so).
    BOARD_SEARCH_RANKED = int(os.environ.get("BOARD_SEARCH_RANKED", "1000"))
    HSTS = False
    # How many proxies in front of the app set X-Forwarded-For, -Proto and -Host (Werkzeug's
    # ProxyFix): with 0 those headers are ignored, as a client could write them itself.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # The names the site answers to (the request's Host, or X-Forwarded-Host from a trusted
    # proxy): another gets a 400 page saying what to configure, rather than every form
    # failing its CSRF check. None: any name.
    ALLOWED_HOSTS = _allowed_hosts()
    # The page cache (core/pagecache.py): how many megabytes of pages each process keeps of
    # the pages people open most, sent again while nothing they read has changed and the
    # minute has not turned. 0 turns it off.
    PAGE_CACHE_MB = float(os.environ.get("PAGE_CACHE_MB", "32"))
    # PostgreSQL: how long a migration waits for a table's lock before it gives up and rolls
    # back (meanwhile, requests for that table wait behind it). 0: wait as long as it takes.
    MIGRATION_LOCK_TIMEOUT_SECONDS = int(os.environ.get("MIGRATION_LOCK_TIMEOUT_SECONDS", "10"))
    SCHEDULER_SWEEP_SECONDS = int(os.environ.get("SCHEDULER_SWEEP_SECONDS", "60"))
    # How long a sweep's digests and weekly summaries each go on before they leave the rest to
    # the next sweep (core/turns.py): a busy morning never holds up the next sweep's reminders.
    SCHEDULER_TURN_SECONDS = float(os.environ.get("SCHEDULER_TURN_SECONDS", "10"))
    # How often a standby scheduler tries to take the lock.
    SCHEDULER_STANDBY_POLL_SECONDS = float(os.environ.get("SCHEDULER_STANDBY_POLL_SECONDS", "5"))
    # /healthz answers 503 when the scheduler last reported longer ago than this, when mail
    # that is due has waited longer than this, or when no scheduler has ever reported this
    # long after the app started.
    HEALTH_SCHEDULER_MAX_AGE = timedelta(
        seconds=int(os.environ.get("HEALTH_SCHEDULER_MAX_AGE_SECONDS", "180")))
    HEALTH_MAIL_MAX_WAIT = timedelta(
        seconds=int(os.environ.get("HEALTH_MAIL_MAX_WAIT_SECONDS", "300")))
    HEALTH_SCHEDULER_GRACE = timedelta(
        seconds=int(os.environ.get("HEALTH_SCHEDULER_GRACE_SECONDS", "300")))
    DEMO_PASSWORD = os.environ.get("COHORT_DEMO_PASSWORD", "cohort-demo")
    # One JSON line a request on standard error (core/requestlog.py): its id, route, status and
    # time. REQUEST_LOG=0 turns it off.
    REQUEST_LOG = _bool("REQUEST_LOG", True)
    # Where users reach this site: the start of every link in mail. Unless set, the local
    # address on PORT, the port `make run` serves on.
    SERVER_BASE_URL = (os.environ.get("SERVER_BASE_URL")
                       or f"http://127.0.0.1:{os.environ.get('PORT') or '5000'}")


class DevelopmentConfig(Config):
    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_BACKEND = "memory"
    MAIL_SEND_AFTER_COMMIT = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8192
    ARGON2_PARALLELISM = 1
    SERVER_BASE_URL = "http://localhost"
    ALLOWED_HOSTS = None  # whatever the environment says: tests choose their own
    HEALTH_SCHEDULER_GRACE = timedelta(days=1)  # no scheduler runs beside the tests
    REQUEST_LOG = False  # pytest shows the logs its own way; tests turn it on to read it


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    HSTS = True
    MAIL_LOG_REDACTS_LINKS = _bool("MAIL_LOG_REDACTS_LINKS", True)
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    # Unless ALLOWED_HOSTS says otherwise, the name in SERVER_BASE_URL, where users reach it.
    ALLOWED_HOSTS = _allowed_hosts(os.environ.get("SERVER_BASE_URL"))

    def __init__(self) -> None:
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise RuntimeError("SECRET_KEY must be set in production (COHORT_ENV=production).")
        self.SECRET_KEY = key


def config_for(name: str | None = None) -> Config:
    """Return the configuration named by COHORT_ENV (development, testing or production)."""
    name = name or os.environ.get("COHORT_ENV", "development")
    classes = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}
    if name not in classes:
        raise RuntimeError(f"COHORT_ENV must be one of {', '.join(classes)}, not {name!r}.")
    return classes[name]()
