"""Failures a use case reports; the API turns them into JSON errors."""


def field_errors(path, messages, location="json"):
    """A field path and its messages in the `errors` shape of every 422.

    `path` is dotted text or a sequence: ("coverage", "payer") or "phases.maintenance" ->
    {"json": {"coverage": {"payer": [...]}}}; an empty path (`()`) is the location itself,
    for messages that already name several fields. `messages` is a message, a list of
    them, or an already nested mapping (list indexes are string keys).
    """
    parts = [part for part in path.split(".") if part] if isinstance(path, str) else list(path)
    node = [messages] if isinstance(messages, str) else messages
    for part in reversed(parts):
        node = {str(part): node}
    return {location: node}


class ServiceError(Exception):
    """A failure with its HTTP status; `error` is its machine-readable code in the body.

    `error` None: the snake_case of the status's reason phrase (404 -> "not_found"). A
    subclass may name its own code, and so may one instance (`error=`).
    """

    status = 400
    error = None
    headers = {}

    def __init__(self, message, errors=None, headers=None, error=None):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.headers = {**type(self).headers, **(headers or {})}
        self.error = error or type(self).error


class Unauthorized(ServiceError):
    """A 401: no key, or one that is invalid or revoked (RFC 9110 15.5.2: name the scheme)."""

    status = 401
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class PreconditionFailed(ServiceError):
    status = 412


class Invalid(ServiceError):
    """A 422 naming the fields: `errors` is nested like the request body."""

    status = 422

    def __init__(self, errors, message="The request has invalid fields.", error=None):
        super().__init__(message, errors, error=error)

    @classmethod
    def at(cls, path, messages, message="The request has invalid fields.", location="json"):
        """A 422 for one field path (see `field_errors`)."""
        return cls(field_errors(path, messages, location), message)


class TooManyRequests(ServiceError):
    """A 429 passed on from upstream; `headers` carries its Retry-After."""

    status = 429


class BadGateway(ServiceError):
    status = 502


class Unavailable(ServiceError):
    status = 503


class GatewayTimeout(ServiceError):
    status = 504
