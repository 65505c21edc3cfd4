"""Failures a use case reports; the API turns them into JSON errors."""


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


class TooManyRequests(ServiceError):
    """A 429 passed on from upstream; `headers` carries its Retry-After."""

    status = 429


class BadGateway(ServiceError):
    status = 502


class Unavailable(ServiceError):
    status = 503


class GatewayTimeout(ServiceError):
    status = 504
