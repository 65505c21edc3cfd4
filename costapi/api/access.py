"""Who may call what: every route declares its roles; one hook enforces them."""
from flask import current_app, g, request
from werkzeug.exceptions import Forbidden as HttpForbidden

from costapi.services.errors import Forbidden, Unauthorized
from costapi.services.keys import find_key

PUBLIC = "public"
ALWAYS_PUBLIC_ENDPOINTS = {"static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}
SECURITY = [{"ApiKey": []}]
# Probes: answered without looking at any key, so a probe never touches the key store.
PROBE_ENDPOINTS = {"operations.Health", "operations.Ready"}


def allow(*roles):
    """Declare the roles that may call a view (`admin` may call everything)."""

    def decorator(func):
        func._roles = frozenset(roles) if PUBLIC in roles else frozenset(roles) | {"admin"}
        func._apidoc = dict(getattr(func, "_apidoc", {}))
        manual = dict(func._apidoc.get("manual_doc", {}))
        manual["security"] = [{}, *SECURITY] if PUBLIC in roles else SECURITY
        func._apidoc["manual_doc"] = manual
        return func

    return decorator


def roles_of(endpoint, method):
    """The roles declared for an endpoint and HTTP method, or None if undeclared."""
    if endpoint in ALWAYS_PUBLIC_ENDPOINTS or method == "OPTIONS":
        return frozenset({PUBLIC})
    view = current_app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        handler = getattr(view_class, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(view_class, "get", None)
        view = handler
    return getattr(view, "_roles", None)


def authenticate():
    """before_request: 401 without a valid key, 403 for a role the route does not allow."""
    if (request.endpoint is None or request.routing_exception is not None
            or request.endpoint in PROBE_ENDPOINTS):
        g.api_key = None
        return
    roles = roles_of(request.endpoint, request.method)
    if roles is None:
        current_app.logger.error("route %s declares no roles", request.endpoint)
        raise Forbidden(HttpForbidden.description)
    header = request.headers.get("Authorization", "")
    g.api_key = None
    if header:
        scheme, _, secret = header.partition(" ")
        key = find_key(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
        if key is None:
            raise Unauthorized("The API key is missing, invalid or revoked.")
        g.api_key = key
        request.environ["costapi.key_id"] = key.id  # for the access log (access_log.py)
    if PUBLIC in roles:
        return
    if g.api_key is None:
        raise Unauthorized("An API key is required: Authorization: Bearer <key>.")
    if g.api_key.role not in roles:
        raise Forbidden("This API key's role may not call this route.")


def undeclared_routes(app):
    """(endpoint, method) pairs without a role declaration; create_app refuses to start on any."""
    missing = []
    with app.app_context():
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if roles_of(rule.endpoint, method) is None:
                    missing.append((rule.endpoint, method))
    return missing
