"""Security headers on every response (docs/security.md, API8).

- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere.
- `Content-Security-Policy`: a page that sets its own keeps it (the calculator, whose
  frame-ancestors are the CORS origins or any site); the API docs may load Swagger UI from
  OPENAPI_SWAGGER_UI_URL; other HTML (the Good Faith Estimate) only its own inline styles and
  scripts, allowed by hash; JSON and everything else nothing at all. PDFs get none (a policy
  can stop the browser's PDF viewer).
- Framing: `X-Frame-Options: DENY` and `frame-ancestors 'none'`, except on a page whose own
  policy names its frame-ancestors (X-Frame-Options cannot name several sites).
- `Cache-Control: no-store` on estimates and eligibility checks (patient data), whatever the
  route set, and on every other API answer that does not set its own (the public lists do).
- `Strict-Transport-Security` only on requests that came over HTTPS (gunicorn's
  FORWARDED_ALLOW_IPS or PROXY_COUNT decide whether X-Forwarded-Proto is believed).
"""
import base64
import hashlib
import re
from urllib.parse import urlsplit

from flask import current_app, request

API = "/api/"
PATIENT_DATA = ("/api/v1/estimates", "/api/v1/eligibility")
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"
HSTS = "max-age=31536000; includeSubDomains"
LOCKED = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
NOTHING = f"default-src 'none'; {LOCKED}"
INLINE = re.compile(rb"<(script|style)\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</\1\s*>", re.I | re.S)


def _inline_hashes(body):
    """{"script": [...], "style": [...]}: CSP hash sources of the inline blocks of a page."""
    hashes = {"script": [], "style": []}
    for tag, content in INLINE.findall(body):
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        hashes[tag.lower().decode()].append(f"'sha256-{digest}'")
    return hashes


def _origin_of(url):
    """A CSP source for the Swagger UI files: the URL itself (a path prefix), or 'self'."""
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
    return "'self'"


def _html_policy(response):
    hashes = _inline_hashes(response.get_data())
    extra = ""
    if request.endpoint == DOCS_ENDPOINT:
        extra = _origin_of(current_app.config.get("OPENAPI_SWAGGER_UI_URL"))
        sources = {
            "script-src": [extra, *hashes["script"]],
            "style-src": [extra, *hashes["style"]],
            "img-src": list(dict.fromkeys(["'self'", "data:", extra])),
            "font-src": [extra],
            "connect-src": ["'self'"],  # the OpenAPI document and "Try it out"
        }
    else:
        sources = {"script-src": hashes["script"], "style-src": hashes["style"],
                   "img-src": ["'self'", "data:"]}
    parts = ["default-src 'none'"] + [f"{name} {' '.join(values)}"
                                      for name, values in sources.items() if values]
    return "; ".join([*parts, LOCKED])


def _content_security_policy(response):
    if response.mimetype == "application/pdf":
        return None
    if response.mimetype == "text/html" and not response.is_streamed:
        return _html_policy(response)
    return NOTHING


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if "Content-Security-Policy" not in headers:
        policy = _content_security_policy(response)
        if policy:
            headers["Content-Security-Policy"] = policy
    if "frame-ancestors" not in headers.get("Content-Security-Policy", "") or (
            "frame-ancestors 'none'" in headers["Content-Security-Policy"]):
        headers.setdefault("X-Frame-Options", "DENY")
    path = request.path
    if path.startswith(PATIENT_DATA):
        headers["Cache-Control"] = "no-store"
    elif path.startswith(API):
        headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app):
    app.after_request(add_security_headers)
