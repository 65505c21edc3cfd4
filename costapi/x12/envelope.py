"""X12 005010 interchanges read with x12sdk (docs/x12.md), behind our own small reader: the
library parses the segments into its validated models; this module drives it segment by
segment so that every rejection names the segment and its position, checks the envelopes
the library does not (ST/SE pairs, IEA), and words the errors itself: never a value from
the file. The transactions are read by remittance_advice (835) and eligibility_answer (271).
"""

import logging
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import StringIO

import pydantic
from x12sdk.config import get_config
from x12sdk.io import X12SegmentReader
from x12sdk.models import X12Delimiters
from x12sdk.parsing import X12ParseException, create_parser
from x12sdk.support import X12_IMPLEMENTATION_VERSIONS

from costapi.x12.remittance import X12Error

# x12sdk logs a traceback (with the segment) for an unknown segment: PHI never reaches a log.
_library_log = logging.getLogger("x12sdk")
_library_log.setLevel(logging.CRITICAL + 1)
_library_log.propagate = False
_library_log.addHandler(logging.NullHandler())

VERSIONS = {"835": ("005010X221", "005010X221A1"), "271": ("005010X279", "005010X279A1"),
            "270": ("005010X279", "005010X279A1")}
# SVC01-1, product/service id qualifiers of 005010X221A1
SVC_QUALIFIERS = {"AD", "ER", "HC", "HP", "IV", "N4", "N6", "NU", "UI", "WK"}
_CONTROL = {"ISA", "GS", "GE", "IEA", "TA1"}


class X12Rejected(X12Error):
    """The file is an acknowledgment rejecting what we sent (TA1 or 999), not an answer."""


class _TextSegments(X12SegmentReader):
    """The library's segment stream over a text, never a path (x12sdk opens a file when
    its input names one)."""

    def __enter__(self):
        self._x12_stream = StringIO(self._x12_input)
        self._buffer_size = get_config().x12_reader_buffer_size
        self.delimiters = X12Delimiters(**self._parse_isa_segment())
        return self


def _normalized(text: str) -> str:
    text = (text or "").lstrip("\ufeff").strip()
    if not text.startswith("ISA") or len(text) < 106:
        raise X12Error("ISA", 1, "the file does not start with an ISA interchange header")
    terminator = text[105]
    if terminator.isalnum() or terminator in "\r\n " or terminator == text[3]:
        raise X12Error("ISA", 1, "the ISA header is not 106 characters ending in a "
                                 "segment terminator")
    return text.replace("\r", "").replace("\n", "")


def _element(segment_model, field: str) -> str:
    names = [n for n in segment_model.model_fields if n not in ("delimiters", "segment_name")]
    return f"{names.index(field) + 1:02d}" if field in names else ""


_WORDING = {
    "decimal": "is not a valid amount", "int": "is not a valid number",
    "float": "is not a valid number", "date": "is not a valid date",
    "missing": "is required", "string_too_long": "is too long",
    "string_too_short": "is too short", "literal_error": "is not an allowed code",
    "enum": "is not an allowed code", "extra_forbidden": "is not allowed here",
    "string_pattern_mismatch": "is not in the expected format",
}


def _wording(error_type: str) -> str:
    for key, words in _WORDING.items():
        if error_type.startswith(key) or key in error_type:
            return words
    return "is not valid"


class Interchange:
    """Drives x12sdk over one interchange, counting segments from ISA (1)."""

    def __init__(self, text: str, code: str):
        self.code = code
        self.text = _normalized(text)
        self.isa: list[str] = []
        self.models: list = []
        self.gs_position: int | None = None

    def read(self):
        segments = _TextSegments(self.text)
        with segments:
            self._read(segments)
        return self

    def _read(self, segments):
        version = parser = open_st = None
        where: dict[int, int] = {}
        position = 0
        ended = False
        for name, fields in segments.segments():
            position += 1
            if position == 1:
                if name != "ISA" or len(fields) != 17:
                    raise X12Error("ISA", 1, "the ISA header does not have 16 elements")
                self.isa = fields
                continue
            if ended:
                raise X12Error(name or None, position, "segment after the IEA trailer")
            if name == "ISA":
                raise X12Error("ISA", position, "only one interchange per file is read")
            if name == "TA1" and len(fields) > 4 and fields[4] == "A":
                continue  # an interchange accepted without errors
            if name == "TA1":
                raise X12Rejected("TA1", position, "the file is an interchange "
                                                   "acknowledgment (TA1), not a " + self.code)
            if name in ("GE", "IEA") and open_st:
                raise X12Error("SE", position, f"the transaction set started at segment "
                                               f"{open_st[0]} has no SE trailer")
            if name == "GS":
                version = fields[8] if len(fields) > 8 else None
                self.gs_position = position
            if name == "IEA":
                if len(fields) < 3 or fields[2] != self.isa[13]:
                    raise X12Error("IEA", position, "IEA02 does not match ISA13")
                ended = True
            if name in _CONTROL:
                continue
            if name == "ST":
                if open_st:
                    raise X12Error("SE", position, f"the transaction set started at "
                                                   f"segment {open_st[0]} has no SE trailer")
                parser = self._parser(fields, position, version, segments.delimiters, where)
                open_st = (position, fields[2] if len(fields) > 2 else None)
            elif parser is None:
                raise X12Error(name or None, position, "segment outside a transaction set")
            self._check_values(name, fields, position, segments.delimiters)
            if name == "SE" and (len(fields) < 3 or fields[2] != open_st[1]):
                raise X12Error("SE", position, "SE02 does not match ST02")
            model = self._parse(parser, name, fields, position, where)
            if name == "SE":
                self.models.append(model)
                parser = open_st = None
        if open_st:
            raise X12Error("SE", position, f"the transaction set started at segment "
                                           f"{open_st[0]} has no SE trailer")
        if not ended:
            raise X12Error("IEA", position, "the interchange has no IEA trailer")
        if not self.models:
            raise X12Error("ST", position, "the interchange holds no transaction set")

    def _parser(self, fields, position, version, delimiters, where):
        code = fields[1] if len(fields) > 1 else ""
        if code == "999":
            raise X12Rejected("ST", position, "the file is an implementation "
                                              "acknowledgment (999), not a " + self.code)
        if code != self.code:
            raise X12Error("ST", position, f"ST01: the transaction set is not an {self.code}")
        version = version or (fields[3] if len(fields) > 3 else None)
        if version not in VERSIONS[self.code] or version not in X12_IMPLEMENTATION_VERSIONS:
            raise X12Error("GS" if self.gs_position else "ST", self.gs_position or position,
                           f"GS08: the version is not "
                                           f"{VERSIONS[self.code][-1]}")
        parser = create_parser(code, version, delimiters)
        parse_segment = parser._parse_segment
        where.clear()

        def tracked(name, segment_fields):
            record = parse_segment(name, segment_fields)
            where[id(record)] = (position_of[0], name)
            kept.append(record)  # alive until the next ST: ids stay unique
            return record

        kept = []

        position_of = [position]
        parser._parse_segment = tracked
        parser._position = position_of
        return parser

    def _parse(self, parser, name, fields, position, where):
        parser._position[0] = position
        try:
            return parser.parse(name, fields)
        except pydantic.ValidationError as error:
            raise self._validation_error(parser, error, where, name, position) from None
        except KeyError:
            if name not in parser._segment_models:
                raise X12Error(name or None, position, "segment not allowed in this "
                                                       "transaction") from None
            raise X12Error(name, position, "segment lacks the elements that place it "
                                           "in a loop") from None
        except X12ParseException:
            raise X12Error(name, position, "segment has more elements than the "
                                           "standard allows") from None
        except Exception:  # noqa: BLE001 - the library's other failures on odd input
            raise X12Error(name or None, position, "segment cannot be read here") from None

    def _validation_error(self, parser, error, where, name, position):
        detail = error.errors(include_url=False, include_input=False)[0]
        message, kind = detail.get("msg", ""), detail.get("type", "")
        node = parser._context.transaction_data
        loc, rest, record = list(detail["loc"]), [], None
        for index, step in enumerate(loc):
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and id(node) in where:
                record, rest = node, loc[index + 1:]
                break
        if record is None and "segment count" in message:
            return self._count_error(parser, where, position, message)
        if record is None:
            records = sorted(_records(node, where), key=lambda r: where[id(r)][0])
            if not records:
                return X12Error("SE", position, "the transaction set is not valid")
            if kind == "too_long" and isinstance(node, list):
                extra = records[-1]
                return X12Error(where[id(extra)][1], where[id(extra)][0],
                                "one segment too many of this kind in its loop")
            first = records[0]
            words = ("the claim's amounts do not balance against its adjustments"
                     if "balance" in message else "the loop this segment starts is not valid")
            return X12Error(where[id(first)][1], where[id(first)][0], words)
        segment = where[id(record)][1]
        model = parser._segment_models.get(segment)
        element = _element(model, rest[0]) if model is not None and rest and \
            isinstance(rest[0], str) else ""
        words = _wording(kind)
        subject = f"{segment}{element}" if element else segment
        if not element and words == "is not valid":
            words = "is not valid in this loop"
        return X12Error(segment, where[id(record)][0], f"{subject} {words}")

    def _count_error(self, parser, where, position, message):
        """SE01 right but the library counted fewer: it left a misplaced segment out."""
        st = min(pos for pos, _ in where.values())
        se_record = next(r for r in _records(parser._context.transaction_data, where)
                         if where[id(r)][1] == "SE")
        if str(se_record.get("transaction_segment_count")) != str(position - st + 1):
            return X12Error("SE", position, "SE01 does not match the number of segments")
        actual = re.search(r"actual count (\d+)", message)
        if actual is None:
            return X12Error("SE", position, "a segment is not allowed where it is")
        se_record["transaction_segment_count"] = actual.group(1)
        counted: dict[str, int] = {}
        try:
            _count(parser.load_model(), counted)
        except pydantic.ValidationError:
            return X12Error("SE", position, "a segment is not allowed where it is")
        seen: dict[str, int] = {}
        for pos, segment in sorted(where.values()):
            seen[segment] = seen.get(segment, 0) + 1
            if seen[segment] > counted.get(segment, 0):
                return X12Error(segment, pos, "segment not allowed at this place in the "
                                              "transaction")
        return X12Error("SE", position, "a segment is not allowed where it is")

    def _check_values(self, name, fields, position, delimiters):
        """What the models keep as plain text (dates, SVC01) is checked here, by position."""
        if name == "SVC" and len(fields) > 1:
            parts = (fields[1] or "").split(delimiters.component_separator)
            if parts[0] not in SVC_QUALIFIERS or len(parts) < 2 or not parts[1]:
                raise X12Error("SVC", position, "SVC01 is not a qualifier and a procedure "
                                                "code joined by the ISA16 separator")
        elif name == "DTM" and len(fields) > 2 and fields[2]:
            segment_date(fields[2], "DTM", "02", position)
        elif name == "BPR" and len(fields) > 16 and fields[16]:
            segment_date(fields[16], "BPR", "16", position)
        elif name == "DTP" and len(fields) > 3 and fields[3]:
            if fields[2] == "D8":
                segment_date(fields[3], "DTP", "03", position)
            elif fields[2] == "RD8":
                for part in fields[3].split("-", 1):
                    segment_date(part, "DTP", "03", position)


def _records(node, where):
    if isinstance(node, dict):
        if id(node) in where:
            yield node
            return
        node = node.values()
    if isinstance(node, (list, tuple)) or type(node).__name__ == "dict_values":
        for item in node:
            yield from _records(item, where)


def _count(model, counted):
    if isinstance(model, list):
        for item in model:
            _count(item, counted)
    elif isinstance(model, pydantic.BaseModel):
        name = getattr(model, "segment_name", None)
        if isinstance(name, str):
            counted[name] = counted.get(name, 0) + 1
        for field in type(model).model_fields:
            _count(getattr(model, field), counted)


def segment_date(value, segment: str, element: str, position: int | None = None) -> date:
    if isinstance(value, date):
        return value
    try:
        if len(value) != 8 or not value.isdigit():
            raise ValueError
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise X12Error(segment, position, f"{segment}{element} is not a valid date "
                                          "(CCYYMMDD)") from None


def amount_of(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise X12Error(None, None, "an amount is not valid") from None

