"""HTTP layer: one module per resource, thin over the use cases."""
from costapi import web
from costapi.api import (
    access,
    audit,
    calendar,
    catalog,
    discounts,
    eligibility,
    errors,
    estimates,
    fields,
    good_faith,
    limits,
    operations,
    payers,
    plans,
    programs,
    public,
    remittances,
    security,
)

BLUEPRINTS = (operations.blp, catalog.blp, plans.blp, payers.blp, programs.blp, discounts.blp,
              estimates.blp, good_faith.blp, public.blp, eligibility.blp, calendar.blp,
              remittances.blp, remittances.accuracy_blp, audit.blp)


def register_api(app):
    api = errors.Api(app, spec_kwargs={
        "info": {"description": "Out-of-pocket cost estimates for ketamine therapy."},
    })
    api.spec.components.security_scheme(
        "ApiKey", {"type": "http", "scheme": "bearer", "description": "An API key."}
    )
    fields.register(api)
    remittances.register(api)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    errors.register(app)
    app.before_request(access.authenticate)
    limits.init_app(app)  # after authenticate: a website key gets its own limit
    security.init_app(app)  # security headers on every response
    audit.init_app(app)  # one audit row per PHI, rule-data or key request
    app.register_blueprint(web.blp)
    app.register_blueprint(operations.home)  # the front page and Swagger UI's files
    missing = access.undeclared_routes(app)
    if missing:
        raise RuntimeError(f"routes without declared roles: {missing}")
    app.extensions["costapi_api"] = api
    return api
