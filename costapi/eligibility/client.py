"""The clearinghouse: one 270 request per check, with bounded retries and timeouts; in the
clearinghouse's JSON form, or as X12 files (ELIGIBILITY_FORMAT=x12: a 270 out, a 271 back,
read by costapi.x12.eligibility_answer into the same answer shape).

Nothing here logs a request or an answer body: they carry the member's identity (PHI).
"""
import json
import logging
import math
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import pydantic
import requests
from urllib3.exceptions import HTTPError, ReadTimeoutError

from costapi.x12.eligibility_answer import read_271
from costapi.x12.envelope import X12Rejected
from costapi.x12.remittance import X12Error
from costapi.x12.writer import write_270

log = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 2 * 1024 * 1024  # a 271 is a few kilobytes
pause = time.sleep  # tests replace it
RETRY_AAA = frozenset({"42", "80"})
FORMATS = ("json", "x12")
X12_TYPE = "application/edi-x12"
RAW_X12 = "x12"  # the answer's key for the 271 text as received, stored with the check


@dataclass(frozen=True)
class Settings:
    url: str
    api_key: str
    connect_timeout: float = 3.05
    read_timeout: float = 30.0
    total_timeout: float = 45.0  # no retry starts after it; a retry reads at most until it
    max_retries: int = 2
    backoff: float = 0.5  # seconds; doubles per retry, with jitter
    max_wait: float = 5.0  # the longest Retry-After honoured; longer ones end the check
    format: str | None = None  # json or x12; None: the app's ELIGIBILITY_FORMAT (else json)


def configured_format():
    """ELIGIBILITY_FORMAT of the app in context, json outside one."""
    from flask import current_app, has_app_context

    value = current_app.config.get("ELIGIBILITY_FORMAT", "json") if has_app_context() else None
    return value if value in FORMATS else "json"


class ClearinghouseError(Exception):
    """No usable answer (502 to the client): `reason` is the clearinghouse's text."""

    def __init__(self, reason, code=None, retry_after=None):
        super().__init__(reason)
        self.reason = reason
        self.code = code  # an AAA code
        self.retry_after = retry_after


class Rejected(ClearinghouseError):
    """The payer rejected the request (an AAA code in `code`)."""


class RateLimited(ClearinghouseError):
    """HTTP 429 from the clearinghouse, still after the retries."""


class TimedOut(ClearinghouseError):
    """No answer in time (ours or the clearinghouse's 504)."""


class _Again(Exception):
    """A failure worth another attempt; `error` is raised if none is left."""

    def __init__(self, error, wait=None):
        super().__init__(error.reason)
        self.error = error
        self.wait = wait


def retry_after(value):
    """Seconds from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _json(content):
    """The parsed answer; NaN, Infinity and NUL characters make it garbage, not data."""
    if b"\\u0000" in content or b"\x00" in content:
        raise ValueError("NUL in the answer")
    return json.loads(content, parse_constant=_refuse_constant)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _reason(response):
    try:
        body = _json(response.content)
    except ValueError:
        body = None
    message = (body.get("message") or body.get("description")) if isinstance(body, dict) else None
    return f"HTTP {response.status_code}" + (f": {str(message)[:200].rstrip('. ')}"
                                             if message else "")


def _aaa(errors):
    """The error to raise for AAA `errors`: a retryable one only when all are retryable."""
    items = [item for item in errors if isinstance(item, dict)] or [{}]
    final = [item for item in items if str(item.get("code")) not in RETRY_AAA]
    item = (final or items)[0]
    code = str(item.get("code") or "") or None
    text = "; ".join(str(item[key])[:200].rstrip(". ")
                     for key in ("description", "followupAction") if item.get(key))
    error = Rejected(f"AAA {code}: {text or 'rejected'}", code)
    return _Again(error) if not final else error


class Clearinghouse:
    def __init__(self, settings, session=None, sleep=None):
        self.settings = settings
        self.session = session or requests.Session()
        self.sleep = sleep or pause
        self.format = settings.format if settings.format in FORMATS else configured_format()

    def check(self, body):
        """The 271 answer (a dict) for a 270 request body; raises ClearinghouseError."""
        settings = self.settings
        attempts, attempt, started = settings.max_retries + 1, 0, time.monotonic()
        while True:
            attempt += 1
            left = settings.total_timeout - (time.monotonic() - started)
            try:
                answer = self._send(body, min(settings.read_timeout, max(left, 1.0)),
                                    deadline=time.monotonic() + max(left, 1.0))
            except _Again as again:
                wait = again.wait if again.wait is not None else self._backoff(attempt)
                log.warning("eligibility attempt %d/%d failed (%s)", attempt, attempts,
                            again.error.reason.split(":")[0])
                elapsed = time.monotonic() - started
                if (attempt == attempts or wait > settings.max_wait
                        or elapsed + wait >= settings.total_timeout):
                    raise again.error from None
                self.sleep(wait)
                continue
            log.info("eligibility answer in %.2f s (attempt %d)", time.monotonic() - started,
                     attempt)
            return answer

    def _backoff(self, attempt):
        base = self.settings.backoff * 2 ** (attempt - 1)
        return min(base / 2 + random.uniform(0, base / 2), self.settings.max_wait)

    def _send(self, body, read_timeout, deadline):
        settings = self.settings
        headers = {"Authorization": settings.api_key}
        content = {"json": body}
        if self.format == "x12":
            content = {"data": _x12_request(body).encode("ascii", "replace")}
            headers.update({"Content-Type": X12_TYPE, "Accept": f"{X12_TYPE}, text/plain"})
        try:
            # No redirects: a 3xx must not carry the member's identity anywhere else.
            response = self.session.post(
                settings.url, **content, headers=headers,
                timeout=(settings.connect_timeout, read_timeout), allow_redirects=False,
                stream=True)
            self._read(response, deadline, read_timeout)
        except requests.ConnectTimeout:
            raise _Again(TimedOut(
                "the clearinghouse did not accept the connection in time")) from None
        except requests.ConnectionError:
            raise _Again(ClearinghouseError("the clearinghouse could not be reached")) from None
        except requests.Timeout:
            raise TimedOut(f"no answer within {read_timeout:g} s") from None
        except requests.RequestException as error:
            raise ClearinghouseError(f"the request failed ({type(error).__name__})") from None
        return self._answer(response)

    @staticmethod
    def _read(response, deadline, read_timeout):
        """The whole body, within the check's deadline (a read timeout bounds one socket read
        only: a body trickled a byte at a time would hold the worker) and a size limit."""
        chunks, size = [], 0
        try:
            while chunk := response.raw.read1(65536):
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise ClearinghouseError("the answer is too large to be a 271")
                if time.monotonic() > deadline:
                    raise TimedOut(f"no complete answer within {read_timeout:g} s")
                chunks.append(chunk)
        except ReadTimeoutError:
            raise TimedOut(f"no answer within {read_timeout:g} s") from None
        except (HTTPError, OSError):
            raise ClearinghouseError("the connection broke while reading the answer") from None
        finally:
            response.close()
        response._content = b"".join(chunks)  # what requests itself caches on .content

    def _answer(self, response):
        status = response.status_code
        if 300 <= status < 400:
            raise ClearinghouseError(f"HTTP {status}: the clearinghouse answered with a "
                                     "redirect, which is not followed")
        wait = retry_after(response.headers.get("Retry-After"))
        if status == 429:
            raise _Again(RateLimited(_reason(response), retry_after=wait), wait)
        if status == 504:
            raise _Again(TimedOut(_reason(response)), wait)
        if status in (502, 503):
            raise _Again(ClearinghouseError(_reason(response)), wait)
        if status in (401, 403):
            raise ClearinghouseError(f"HTTP {status}: the clearinghouse refused the API key "
                                     "(ELIGIBILITY_API_KEY)")
        if self.format == "x12":
            return _x12_answer(response)
        try:
            answer = _json(response.content)
        except ValueError:
            raise ClearinghouseError(f"HTTP {status}: the answer is not JSON") from None
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if errors and isinstance(errors, list):
            raise _aaa(errors)
        if status != 200 or not isinstance(answer, dict):
            raise ClearinghouseError(_reason(response) if status != 200 else
                                     "HTTP 200: the answer is not a 271 object")
        return answer


def _x12_request(body):
    """The 270 file for the JSON request body; our own data, so a failure is a 502."""
    try:
        return write_270(body)
    except (pydantic.ValidationError, ValueError, TypeError):
        raise ClearinghouseError("the 270 could not be built from the request") from None


def _x12_answer(response):
    """The 271 body read into the JSON answer's shape, the text kept under RAW_X12. A TA1 or
    999 (our 270 rejected), a file the reader rejects, or anything but X12: no answer."""
    status, content = response.status_code, response.content
    try:
        text = content.decode("utf-8").lstrip("\ufeff \t\r\n")
    except UnicodeDecodeError:
        text = ""
    if "\x00" in text or not text.startswith("ISA"):
        raise ClearinghouseError(_reason(response) if status != 200 else
                                 f"HTTP {status}: the answer is not an X12 271")
    try:
        answer = read_271(text)
    except X12Rejected as error:
        raise ClearinghouseError(f"HTTP {status}: the clearinghouse rejected the 270 "
                                 f"({error.segment} at segment {error.position})") from None
    except X12Error as error:
        raise ClearinghouseError(f"HTTP {status}: the 271 cannot be read ({error})") from None
    if answer["errors"]:
        raise _aaa(answer["errors"])
    if status != 200:
        raise ClearinghouseError(f"HTTP {status}")
    return {**answer, RAW_X12: text}
