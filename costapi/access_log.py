"""gunicorn's logger (`logger_class` in gunicorn.conf.py), with lines that cannot be forged
and carry no query string.

Access lines: `ACCESS_LOG_FORMAT`, i.e. time (UTC, ISO 8601), peer address, method, path,
protocol, status, bytes, milliseconds and the API key's id (`key=-` without a key; never the
key). The path is PATH_INFO percent-escaped again (a `%0A` the server decoded into a newline
is written `%0A`, a quote `%22`, every control or non-ASCII byte `%XX`), so one request is one
line. No atom gives the query string, the raw request line, request headers or the environ
(query strings carry patient references; headers carry keys).

gunicorn's own warning for a request it cannot parse ("Invalid request from ip=...: Invalid
HTTP request line: 'GET /x?patient_reference=... HTTP/1.1 junk'") and its "Error handling
request" line are written with every query string removed and control characters escaped.
"""
import re
import time
from urllib.parse import quote

from gunicorn.glogging import Logger

ACCESS_LOG_FORMAT = '%(t)s %(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms key=%(k)s'
PATH_SAFE = "/:@!$&'()*+,;=-._~"  # RFC 3986 pchar without "%": everything else is escaped
KEY_ID = "costapi.key_id"  # set in the WSGI environ by costapi.api.access.authenticate
REQUEST_MESSAGES = ("Invalid request from", "Error handling request")
QUERY = re.compile(r"\?[^\s'\"]*")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_path(path):
    """PATH_INFO (WSGI's latin-1 string of the decoded bytes) percent-escaped for one line."""
    path = path or "-"
    try:
        raw = path.encode("latin-1")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "replace")
    return quote(raw, safe=PATH_SAFE)


def escape_text(text):
    return CONTROL.sub(lambda match: f"%{ord(match.group()):02X}", str(text))


def scrub(message):
    """A request-error message without query strings or control characters."""
    return escape_text(QUERY.sub("", message))


class AccessLogger(Logger):

    def now(self):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    def atoms(self, resp, req, environ, request_time):
        full = super().atoms(resp, req, environ, request_time)
        key_id = environ.get(KEY_ID)
        return {
            "t": full["t"],
            "h": escape_text(full["h"]),
            "m": escape_text(full["m"] or "-"),
            "U": escape_path(environ.get("PATH_INFO")),
            "H": escape_text(full["H"] or "-"),
            "s": full["s"],
            "B": full["B"],
            "b": full["b"],
            "M": full["M"],
            "D": full["D"],
            "L": full["L"],
            "T": full["T"],
            "p": full["p"],
            "k": "-" if key_id is None else str(key_id),
        }

    def _request_message(self, msg, args):
        if isinstance(msg, str) and msg.startswith(REQUEST_MESSAGES):
            return scrub(msg % args if args else msg), ()
        return msg, args

    def warning(self, msg, *args, **kwargs):
        msg, args = self._request_message(msg, args)
        super().warning(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs):
        msg, args = self._request_message(msg, args)
        super().exception(msg, *args, **kwargs)

    def error(self, msg, *args, **kwargs):
        msg, args = self._request_message(msg, args)
        super().error(msg, *args, **kwargs)

    def info(self, msg, *args, **kwargs):
        msg, args = self._request_message(msg, args)
        super().info(msg, *args, **kwargs)

    def debug(self, msg, *args, **kwargs):
        msg, args = self._request_message(msg, args)
        super().debug(msg, *args, **kwargs)
