"""Failures a use case reports; the API turns them into JSON errors."""


def field_errors(path, messages, location="json"):
    """A field path and its messages in the `errors` shape of every 422.

    `path` is dotted text or a sequence: ("coverage", "payer") or "phases.maintenance" ->
    {"json": {"coverage": {"payer": [...]}}}; `messages` is a message, a list of them, or
    an already nested mapping (list indexes are string keys).
    """
    parts = path.split(".") if isinstance(path, str) else list(path)
    node = [messages] if isinstance(messages, str) else messages
    for part in reversed(parts):
        node = {str(part): node}
    return {location: node}


class ServiceError(Exception):
    status = 400

    def __init__(self, message, errors=None, headers=None):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.headers = headers or {}


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class PreconditionFailed(ServiceError):
    status = 412


class Invalid(ServiceError):
    """A 422 naming the fields: `errors` is nested like the request body."""

    status = 422

    def __init__(self, errors, message="The request has invalid fields."):
        super().__init__(message, errors)

    @classmethod
    def at(cls, path, messages, message="The request has invalid fields."):
        """A 422 for one field path (see `field_errors`)."""
        return cls(field_errors(path, messages), message)


class TooManyRequests(ServiceError):
    """A 429 passed on from upstream; `headers` carries its Retry-After."""

    status = 429


class BadGateway(ServiceError):
    status = 502


class Unavailable(ServiceError):
    status = 503


class GatewayTimeout(ServiceError):
    status = 504
