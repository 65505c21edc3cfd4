"""Settings from the environment, in one place."""
import os


def _list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


class Config:
    DATABASE_URL = os.environ.get("DATABASE_URL")  # None: a SQLite file in the instance folder
    # Seconds to connect to PostgreSQL before answering 503 (psycopg's minimum is 2).
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    ELIGIBILITY_API_URL = os.environ.get("ELIGIBILITY_API_URL", "")
    ELIGIBILITY_API_KEY = os.environ.get("ELIGIBILITY_API_KEY", "")
    ELIGIBILITY_CONNECT_TIMEOUT = float(os.environ.get("ELIGIBILITY_CONNECT_TIMEOUT", "3.05"))
    ELIGIBILITY_READ_TIMEOUT = float(os.environ.get("ELIGIBILITY_READ_TIMEOUT", "30"))
    ELIGIBILITY_TOTAL_TIMEOUT = float(os.environ.get("ELIGIBILITY_TOTAL_TIMEOUT", "45"))
    ELIGIBILITY_MAX_RETRIES = int(os.environ.get("ELIGIBILITY_MAX_RETRIES", "2"))
    ELIGIBILITY_BACKOFF_SECONDS = float(os.environ.get("ELIGIBILITY_BACKOFF_SECONDS", "0.5"))
    ELIGIBILITY_MAX_WAIT_SECONDS = float(os.environ.get("ELIGIBILITY_MAX_WAIT_SECONDS", "5"))
    ELIGIBILITY_REUSE_MINUTES = int(os.environ.get("ELIGIBILITY_REUSE_MINUTES", "1440"))
    ELIGIBILITY_RETENTION_DAYS = int(os.environ.get("ELIGIBILITY_RETENTION_DAYS", "30"))
    # Audit rows are kept 6 years (HIPAA 164.316(b)(2)); `audit purge` deletes older ones.
    AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "2190"))
    # json (default): the clearinghouse JSON API; x12: a 270 file out, a 271 file back
    ELIGIBILITY_FORMAT = os.environ.get("ELIGIBILITY_FORMAT", "json").strip().lower() or "json"
    if ELIGIBILITY_FORMAT not in ("json", "x12"):
        raise ValueError("ELIGIBILITY_FORMAT must be json or x12")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    CORS_ORIGINS = _list("CORS_ORIGINS")
    PUBLIC_RATE_LIMIT = os.environ.get("PUBLIC_RATE_LIMIT", "30/minute")
    WEBSITE_RATE_LIMIT = os.environ.get("WEBSITE_RATE_LIMIT", "600/minute")
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # With PROXY_COUNT > 0, X-Forwarded-For/Proto are believed only from these peers (IPs, CIDRs).
    TRUSTED_PROXIES = _list("TRUSTED_PROXIES", "127.0.0.1")
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "true").lower() not in (
        "0", "false", "no", "off")
    CLINIC_NAME = os.environ.get("CLINIC_NAME", "Example Ketamine Clinic")
    CLINIC_NPI = os.environ.get("CLINIC_NPI", "1999999984")
    CLINIC_TIN = os.environ.get("CLINIC_TIN", "00-0000000")
    CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS",
                                    "100 Main Street, Suite 200, Boston, MA 02110")
    CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "")
    IDEMPOTENCY_HOURS = int(os.environ.get("IDEMPOTENCY_HOURS", "24"))
    # Request bodies above this many bytes are a 413 (the largest valid one, a payer with 2,000
    # rates and 500 policies with every field at its longest, is about 1 MB).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
    # Other processes see rule changes and revoked keys within this many seconds.
    RULE_CACHE_SECONDS = float(os.environ.get("RULE_CACHE_SECONDS", "1"))

    API_TITLE = "costapi"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Swagger UI's files, served by the app itself from the pinned flask-swagger-ui package
    # (docs/deploying.md): /docs works without internet. A URL ending in "/" serves them
    # from elsewhere instead.
    OPENAPI_SWAGGER_UI_URL = os.environ.get("OPENAPI_SWAGGER_UI_URL", "/docs/swagger-ui/")
    # No badge from swagger.io's online validator: it would send it the OpenAPI document's URL
    # (and the Content-Security-Policy of /docs would block it anyway).
    OPENAPI_SWAGGER_UI_CONFIG = {"validatorUrl": None}


class TestConfig(Config):
    TESTING = True
    RATELIMIT_ENABLED = False  # tests of the limits turn it on in their own app
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
    ELIGIBILITY_API_URL = ""  # tests set it and answer through requests-mock
    ELIGIBILITY_BACKOFF_SECONDS = 0.0
    RULE_CACHE_SECONDS = 0  # every test rolls back: read the generation token every time
