"""What every route refuses before its schema runs: a body that is not JSON where JSON is
expected (415), JSON nested too deeply, numbers too long and bodies too wide (bodies.py),
text that no database can store (NUL characters, lone surrogates), in the body, the query
or the path."""
import json

import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import NotFound as HttpNotFound

from costapi.api.bodies import check_shape, load_json
from costapi.services.errors import Invalid, NotFound

JSON = "application/json"
NOT_JSON = f"The request body must be JSON: send it with Content-Type: {JSON}."
BAD_TEXT = "Not valid text: NUL characters and unpaired surrogates are not accepted."


def bad_text(value):
    """True for text PostgreSQL cannot store or UTF-8 cannot encode."""
    if "\x00" in value:
        return True
    try:
        value.encode()
    except UnicodeEncodeError:
        return True
    return False


def bad_text_errors(value):
    """{path: [message]} nested like `value` for each string (or key) that is not valid text."""
    if isinstance(value, str):
        return [BAD_TEXT] if bad_text(value) else None
    items = (value.items() if isinstance(value, dict)
             else enumerate(value) if isinstance(value, list) else ())
    errors = {}
    for key, item in items:
        if isinstance(key, str) and bad_text(key):
            errors[key] = [BAD_TEXT]
            continue
        found = bad_text_errors(item)
        if found:
            errors[str(key)] = found
    return errors or None


class Parser(FlaskParser):
    def _raw_load_json(self, req):
        """The JSON body; a body of another type is a 415 (webargs would see no body at all and
        report every required field missing). Only routes that read a JSON body get here."""
        if not is_json_request(req) and (req.content_length or req.get_data(cache=True)):
            flask_smorest.abort(415, message=NOT_JSON)
        if not is_json_request(req):
            return core.missing
        try:  # numbers of bounded length (bodies.py): a longer one is a 422, not a 500
            return load_json(req.get_data(cache=True))
        except RecursionError:
            # webargs answers 400 "Invalid JSON body." (an empty `doc` would mean "no body")
            raise json.JSONDecodeError("JSON nested too deeply", "[", 0) from None

    def _load_location_data(self, *, schema, req, location):
        data = super()._load_location_data(schema=schema, req=req, location=location)
        if location == "json":
            check_shape(data, schema)  # before the walk below and the schema's
        if location in ("json", "query", "querystring", "headers", "form"):
            found = bad_text_errors(data if location == "json" else dict(data))
            if found:
                where = "query" if location == "querystring" else location
                raise Invalid.at((), found, location=where)
        return data


def _refuse_bad_path_text(endpoint, values):
    if values and any(isinstance(value, str) and bad_text(value) for value in values.values()):
        raise NotFound(HttpNotFound.description)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the checks above."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url_value_preprocessor(_refuse_bad_path_text)
