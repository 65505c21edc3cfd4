"""Exposure of the public calculator: client address behind proxies, rate limits, CORS.

Runs after `access.authenticate`, so `g.api_key` is known: a `website` key is counted by
key, with WEBSITE_RATE_LIMIT; every other caller by client address, with PUBLIC_RATE_LIMIT.
One bucket covers all of /api/v1/public/*. A breach is a JSON 429 with Retry-After.

Rate-limit counters live in RATELIMIT_STORAGE_URI; `memory://` (the default) counts per
process, so it holds only with one gunicorn worker process (gunicorn.conf.py warns otherwise).
"""
import ipaddress
import re

from flask import current_app, g, request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from costapi.api import public

CORS_PATHS = r"/api/v1/public/.*"  # the routes scripts on CORS_ORIGINS may call
LIMITED_METHODS = ["get", "head", "post"]  # a CORS preflight (OPTIONS) is not counted
EXPOSED_HEADERS = ["ETag", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                   "X-RateLimit-Reset", "X-Pagination"]


def _website_key():
    key = g.get("api_key")
    return key if key is not None and key.role == "website" else None


def client_key():
    """Whom a request is counted for: a website key, or the client's address."""
    key = _website_key()
    return f"key:{key.id}" if key is not None else f"addr:{get_remote_address()}"


def current_limit():
    config = current_app.config
    return config["WEBSITE_RATE_LIMIT"] if _website_key() else config["PUBLIC_RATE_LIMIT"]


def _vary_on_origin(response):
    """`Vary: Origin` on every answer of a CORS route, allowed origin or not (flask-cors adds
    it only with several origins): a shared cache must not hand one site's answer, with or
    without its Access-Control-Allow-Origin, to another site."""
    if not re.match(CORS_PATHS, request.path):
        return response
    names = {}  # lower-case name -> name as first written, in order
    for value in response.headers.getlist("Vary"):
        for name in value.split(","):
            if name.strip():
                names.setdefault(name.strip().lower(), name.strip())
    names.setdefault("origin", "Origin")
    response.headers["Vary"] = ", ".join(names.values())
    return response


def _retry_after_only_when_limited(response):
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


class TrustedProxyFix:
    """ProxyFix (PROXY_COUNT hops of X-Forwarded-For/Proto) for requests whose immediate peer
    is one of TRUSTED_PROXIES; any other peer is a client that connected directly, and its
    X-Forwarded-* headers change nothing (its own address is counted)."""

    def __init__(self, wsgi_app, proxies, trusted):
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=proxies, x_proto=proxies)
        self.trusted = [ipaddress.ip_network(entry, strict=False) for entry in trusted]

    def is_trusted(self, address):
        try:
            peer = ipaddress.ip_address((address or "").split("%")[0])
        except ValueError:
            return False
        peer = getattr(peer, "ipv4_mapped", None) or peer
        return any(peer in network for network in self.trusted)

    def __call__(self, environ, start_response):
        if self.is_trusted(environ.get("REMOTE_ADDR")):
            return self.proxied(environ, start_response)
        return self.direct(environ, start_response)


def init_app(app):
    """Trust X-Forwarded-For from TRUSTED_PROXIES, PROXY_COUNT hops; limit and open (CORS)
    the public API."""
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, proxies,
                                       app.config.get("TRUSTED_PROXIES", ["127.0.0.1"]))
    app.after_request(_retry_after_only_when_limited)  # runs after the limiter's headers
    limiter = Limiter(client_key, app=app, headers_enabled=True, key_prefix="costapi",
                      in_memory_fallback_enabled=True, swallow_errors=True)
    limiter.shared_limit(current_limit, scope="public", methods=LIMITED_METHODS,
                         error_message="Too many requests: try again after Retry-After "
                                       "seconds.")(public.blp)
    app.extensions["costapi_limiter"] = limiter
    origins = app.config.get("CORS_ORIGINS") or []
    if origins:
        # Registered before flask-cors's own hook, so it runs after it (Flask runs after_request
        # functions last registered first) and sees the Vary flask-cors may have added.
        app.after_request(_vary_on_origin)
        CORS(app, resources={CORS_PATHS: {"origins": origins}},
             methods=["GET", "HEAD", "POST", "OPTIONS"],
             allow_headers=["Content-Type", "Authorization", "If-None-Match"],
             expose_headers=EXPOSED_HEADERS, max_age=600)
    return limiter
