"""What a JSON body may cost before its schema runs: numbers of bounded length (Python's own
limit on integer text, 4,300 digits, is a ValueError inside the JSON decoder), a small body
limit on the public routes, and a cheap check of the decoded shape (unknown top-level fields,
list lengths, the number of values) before any walk of the whole body."""
import json

import flask_smorest
from flask import request
from marshmallow import RAISE, Schema

from costapi.services.errors import Invalid

PUBLIC_BODY_LIMIT = 16 * 1024  # bytes; the public estimate request is under 1 KiB
MAX_INT_DIGITS = 20  # more than any count or amount of this API (int64 is 19 digits)
MAX_FLOAT_CHARS = 40
MAX_LIST_ITEMS = 100  # the longest list of an estimate request is 20 visits
MAX_VALUES = 10_000  # containers and values in one body; a 10-option comparison is ~1,000
MAX_LISTED = 20  # unknown fields named in one answer
# blueprints whose bodies get the shape check (the public calculator, staff estimates)
SHAPED = frozenset({"public", "estimates"})

NUMBER_TOO_LONG = (f"Number too long: at most {MAX_INT_DIGITS} digits for an integer, "
                   f"{MAX_FLOAT_CHARS} characters for a decimal.")
TOO_MANY_ITEMS = f"Too many items: at most {MAX_LIST_ITEMS}."
TOO_MANY_VALUES = f"The request has too many values (at most {MAX_VALUES})."
TOO_LARGE = f"The request body is too large for this route (at most {PUBLIC_BODY_LIMIT} bytes)."
UNKNOWN_FIELD = Schema._default_error_messages["unknown"]


class _TooLong:
    """Stands in for a number whose text is too long, so its place can be named."""

    __slots__ = ()


TOO_LONG = _TooLong()


def _int(text):
    return TOO_LONG if len(text.lstrip("-")) > MAX_INT_DIGITS else int(text)


def _float(text):
    return TOO_LONG if len(text) > MAX_FLOAT_CHARS else float(text)


def _too_long_at(value):
    """{path: [message]} nested like `value` for each number that was too long."""
    if value is TOO_LONG:
        return [NUMBER_TOO_LONG]
    items = (value.items() if isinstance(value, dict)
             else enumerate(value) if isinstance(value, list) else ())
    errors = {}
    for key, item in items:
        found = _too_long_at(item)
        if found:
            errors[str(key)] = found
    return errors or None


def load_json(text):
    """json.loads where an integer past Python's limit (4,300 digits; a ValueError) is a 422
    naming each number too long. Text that is not JSON raises json.JSONDecodeError."""
    if isinstance(text, bytes | bytearray):
        try:
            text = text.decode()
        except UnicodeDecodeError as exc:  # as webargs reports it: a 400
            raise json.JSONDecodeError(f"Bytes decoding error : {exc.reason}",
                                       doc=str(exc.object), pos=exc.start) from exc
    found = []

    def bounded(parse):
        def parse_number(number):
            value = parse(number)
            if value is TOO_LONG:
                found.append(number)
            return value
        return parse_number

    try:  # the C decoder, fast; it fails only on an integer past Python's limit
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        pass  # decode again, slower, to name the place of each number too long
    data = json.loads(text, parse_int=bounded(_int), parse_float=bounded(_float))
    if found:
        errors = _too_long_at(data)
        raise Invalid({"json": errors if isinstance(errors, dict) else {"_schema": errors}})
    return data


def limit_public_body():
    """before_request of the public blueprint: refuse a large body from its Content-Length
    before reading it; a chunked one stops (413) once it passes the limit while read."""
    request.max_content_length = PUBLIC_BODY_LIMIT
    if (request.content_length or 0) > PUBLIC_BODY_LIMIT:
        flask_smorest.abort(413, message=TOO_LARGE)


def _field_names(schema):
    return {field.data_key or name for name, field in schema.fields.items()
            if not field.dump_only}


def check_shape(data, schema):
    """Refuse unknown top-level fields, long lists and too many values before any deep walk
    (bad-text check, marshmallow): a cheap walk that stops at the first excess."""
    if request.blueprint not in SHAPED:
        return
    if (isinstance(data, dict) and schema.unknown == RAISE
            and not any(hooks for tag, hooks in schema._hooks.items()  # a defaultdict:
                        if "pre_load" in str(tag))):  # its keys appear once looked up
        known = _field_names(schema)
        unknown = [key for key in data if key not in known]
        if unknown:
            raise Invalid({"json": {str(key): [UNKNOWN_FIELD] for key in unknown[:MAX_LISTED]}})
    budget = MAX_VALUES
    pending = [((), data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                raise Invalid.at(path, TOO_MANY_ITEMS)
            children = enumerate(value)
            budget -= len(value)
        elif isinstance(value, dict):
            children = value.items()
            budget -= len(value)
        else:
            continue
        if budget < 0:
            raise Invalid.at((), {"_schema": [TOO_MANY_VALUES]})
        pending.extend(((*path, key), item) for key, item in children
                       if isinstance(item, list | dict))
