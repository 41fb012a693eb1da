"""Reading a profile written as text (a file, standard input, a request body): JSON, or YAML.

Every front end reads profiles through here, so that each refuses the same things in the same
words: the problems are ``ProfileError`` values, like those of ``parse_profile``. A profile is a
few hundred bytes nested two levels deep, so what is far from that is refused before it can cost
more than a moment: more than ``MAX_PROFILE_BYTES`` (checked before parsing), nesting deeper than
``MAX_DEPTH`` (checked while parsing, without deep recursion), and YAML aliases (``*name``, which
can make a small file expand without end). A key given twice in one mapping is refused too (the
parsers would silently keep the last).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from onconav.profile import CANCER_ACCEPTED, SURROGATE, Problem, ProfileError, escaped
from onconav.words import cut

if TYPE_CHECKING:
    import yaml

MAX_PROFILE_BYTES = 256 * 1024
"""The largest profile read, in bytes of UTF-8: far more than any real profile needs."""

MAX_BUNDLE_BYTES = 20_000_000
"""The largest FHIR record (a Bundle of one person's resources) read, in bytes."""

MAX_DEPTH = 20
"""The deepest nesting of mappings and lists read (a profile needs two: ``biomarkers.her2``)."""

Path = tuple[str | int, ...]
"""Where a value is in the profile: keys and list positions from the top."""


def check_size(size: int, where: str) -> None:
    """Refuse a profile of more than MAX_PROFILE_BYTES bytes (``size``: its bytes, or as many as
    were read: a reader reads at most one more than the limit)."""
    if size > MAX_PROFILE_BYTES:
        raise _refused(f"{where} is larger than 256 KiB; a profile may be at most "
                       f"{MAX_PROFILE_BYTES} bytes")  # fmt: skip


def profile_from_text(raw: str, where: str, *, json_only: bool = False) -> dict[str, Any]:
    """The fields of a profile written as JSON or YAML (``where`` names it in errors); with
    ``json_only``, JSON alone (the API's bodies): text that is not JSON is refused, saying where
    it breaks, rather than read as YAML (which read ``{'stage': 4, 'symptoms': None}``, Python's
    words, as the symptom "None")."""
    check_size(len(raw.encode("utf-8", "surrogatepass")), where)
    # a byte order mark, as Notepad and PowerShell write one, is no part of the profile: JSON's
    # reader refused it ("Unexpected UTF-8 BOM") where YAML's skipped it, so the API refused a
    # file the command line read
    raw = raw.removeprefix("\ufeff")
    twice: dict[int, list[str]] = {}  # id of a mapping -> the keys it was given twice

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made = dict(pairs)
        if len(made) < len(pairs):
            twice[id(made)] = _repeated([key for key, _ in pairs])
        return made

    try:
        data = json.loads(raw, object_pairs_hook=mapping, parse_constant=_no_constant,
                          parse_float=_number)  # fmt: skip
    except RecursionError:  # the decoder's own guard, raised at once: far deeper than MAX_DEPTH
        raise _too_deep(where) from None
    except NotAJsonValue as error:  # JSON but for NaN: not read as YAML, where NaN is a word
        raise _refused(f"{where} {why_not_json(error)}") from None
    except ValueError as error:  # not JSON: YAML, a superset, imported only when needed
        if json_only:
            raise _refused(f"{where} {why_not_json(error)}") from None
        data = _yaml_profile(raw, where, error)
        _check_json(data, {}, where)  # numbers too large to be read
    else:
        _check_json(data, twice, where)
    if not isinstance(data, dict):
        raise ProfileError([Problem("profile", None, (PROFILE,), f"{where} must hold an object "
                                    'of fields, such as {"cancer": "rectum"}')])  # fmt: skip
    return data


class NotAJsonValue(ValueError):
    """NaN, Infinity or -Infinity, which Python's JSON reader takes as numbers and JSON has not
    (RFC 8259 6): ``{"stage": NaN}`` had been read as a stage of no value (a 422 for a value
    null), a body no other JSON reader reads."""


NUMBER_RANGE = "a number from -1.79e308 to 1.79e308"
"""The numbers JSON's reader in Python reads (a 64-bit float's range, 1.7976931348623157e308
at most either side of 0), said where a number past it is refused: the refusal had named none."""


class TooLarge(str):
    """A number too large to be read as one (``1e400``, ``-1e400``: past the largest a float
    holds), as it was written: ``_check_json`` refuses it, naming its field. Python's reader had
    made it Infinity, and the API's refusal gave ``"value": null``, a value never sent."""


def _number(text: str) -> float | TooLarge:
    """A JSON or YAML number with a fraction or an exponent, or ``TooLarge`` (its text)."""
    value = float(text)
    return value if math.isfinite(value) else TooLarge(text)


class NumberTooLarge(ValueError):
    """A number too large to be read (``TooLarge``) in JSON read whole, not as a profile (a FHIR
    record, a CDS Hooks call): ``"total": 1e400`` had been refused with ``"value": null``."""


def _finite(text: str) -> float:
    """A JSON number with a fraction or an exponent; ``NumberTooLarge`` past what a float holds."""
    value = _number(text)
    if isinstance(value, TooLarge):
        raise NumberTooLarge(cut(text))
    return value


def _no_constant(name: str) -> Any:
    raise NotAJsonValue(f"{name} is no JSON value (JSON has no NaN or Infinity); send a number, "
                        "or leave the field out")  # fmt: skip


def why_not_json(error: ValueError) -> str:
    """Why text was not read as JSON, in words that follow the name of what was read: where the
    JSON breaks (``is not valid JSON: Expecting value (line 1, column 9)``), NaN or Infinity, or
    a value that cannot be read (a number of more than 4,300 digits, which Python's reader
    refuses)."""
    if isinstance(error, json.JSONDecodeError):
        return f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
    if isinstance(error, NotAJsonValue):
        return f"is not valid JSON: {error}"
    if isinstance(error, NumberTooLarge):
        return (f"holds a number too large to be read ({error}); give the value it stands for "
                f"({NUMBER_RANGE} is read)")  # fmt: skip
    return f"holds a value that cannot be read ({str(error).split(':')[0]})"


class NotUnicode(ValueError):
    """JSON text with a ``\\u`` escape of half a UTF-16 pair alone (``"\\ud800"``, a
    surrogate): Python's reader takes it, but it is no character, and no UTF-8 answer can hold
    it (a FHIR record with one as an id was a 500 when the answer was written; in a display, the
    resource was dropped as not valid). ``places``: where each string (or key) holding one is,
    a key named with the surrogate as its escape."""

    def __init__(self, places: list[Path]) -> None:
        self.places = places
        super().__init__(f"{field_name(places[0])} {NOT_UNICODE}")


NOT_UNICODE = ("holds an escape that is no character: half of a UTF-16 pair (a surrogate, "
               "\\ud800 to \\udfff) alone; write the character itself")  # fmt: skip
# a \u escape of a surrogate, which JSON text must hold for its parsed strings to hold one
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")


def json_and_repeats(text: str | bytes) -> tuple[Any, list[Path]]:
    """JSON text parsed, and where each key given twice in one object is (the parser keeps the
    last and drops the others): an object's own first, then those inside it, in order. Found by
    walking the data with a list of what is left to see, not by recursion, so deep data (FHIR)
    is fine. Text that is not JSON raises ``json.JSONDecodeError`` or ``NotAJsonValue``
    (``UnicodeDecodeError``, ``RecursionError``), a number too large to be read
    ``NumberTooLarge``; text that holds half of a UTF-16 pair alone
    (``"\\ud800"``), ``NotUnicode`` naming where."""
    # id of an object -> the object (kept alive, so that no later object takes its id once a
    # repeated key drops it) and the keys it was given again
    twice: dict[int, tuple[dict[str, Any], list[str]]] = {}

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made = dict(pairs)
        if len(made) < len(pairs):
            twice[id(made)] = (made, _repeated([key for key, _ in pairs]))
        return made

    data = json.loads(text, object_pairs_hook=mapping, parse_constant=_no_constant,
                      parse_float=_finite)  # fmt: skip
    if (SURROGATE_ESCAPE_BYTES.search(text) if isinstance(text, bytes) else
            SURROGATE_ESCAPE.search(text) or SURROGATE.search(text)) and (
            places := _lone_surrogates(data)):  # fmt: skip
        raise NotUnicode(places)
    repeated: list[Path] = []
    waiting: list[tuple[object, Path]] = [(data, ())] if twice else []
    while waiting:
        value, path = waiting.pop()
        if isinstance(value, dict):
            repeated += [(*path, key) for key in twice.get(id(value), (value, []))[1]]
            waiting += reversed([(item, (*path, key)) for key, item in value.items()])
        elif isinstance(value, list):
            waiting += reversed([(item, (*path, i)) for i, item in enumerate(value)])
    return data, repeated


def _lone_surrogates(data: object) -> list[Path]:
    """Where each string, or key, of parsed JSON holds half of a UTF-16 pair alone, in order;
    found walking the data with a list of what is left to see, not by recursion."""
    found: list[Path] = []
    waiting: list[tuple[object, Path]] = [(data, ())]
    while waiting:
        value, path = waiting.pop()
        if isinstance(value, dict):
            found += [(*path, escaped(key)) for key in value if SURROGATE.search(key)]
            waiting += reversed([(item, (*path, escaped(key))) for key, item in value.items()])
        elif isinstance(value, list):
            waiting += reversed([(item, (*path, i)) for i, item in enumerate(value)])
        elif isinstance(value, str) and SURROGATE.search(value):
            found.append(path)
    return found


def _check_json(data: object, twice: dict[int, list[str]], where: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, keys given twice and numbers too large to be read
    (``TooLarge``; every one, in the order of the text), walking the parsed JSON (or YAML) with
    a list of what is left to see, not by recursion."""
    problems = []
    waiting: list[tuple[object, Path]] = [(data, ())]
    while waiting:
        value, path = waiting.pop()
        if isinstance(value, dict | list) and len(path) >= MAX_DEPTH:
            raise _too_deep(where)
        if isinstance(value, dict):
            problems += [_given_twice((*path, key), where) for key in twice.get(id(value), [])]
            waiting += reversed([(item, (*path, key)) for key, item in value.items()])
        elif isinstance(value, list):
            waiting += reversed([(item, (*path, i)) for i, item in enumerate(value)])
        elif isinstance(value, TooLarge):
            # (no profile field takes a number: the range read is not what the field takes,
            # so none is named as accepted; a FHIR record's body says the range, below)
            problems.append(Problem(field_name(path), cut(value), (),
                                    f"{cut(value)} is a number too large to be read; give the "
                                    "value the field takes, or leave the field out"))  # fmt: skip
    if problems:
        raise ProfileError(problems)


def _yaml_profile(raw: str, where: str, not_json: ValueError) -> object:
    """The fields of a profile that is not JSON, read as YAML. Text that is neither says where it
    breaks: as JSON (``not_json``) when it opens as JSON does, with ``{`` or ``[`` (the line,
    the column and what was expected), else as YAML (a file of a thousand lines had been told
    only its line, and JSON's broken comma was told as YAML's)."""
    import yaml

    twice: list[Problem] = []
    loader = None
    try:
        loader = _loader(raw, where, twice)  # the reader refuses characters YAML cannot hold
        data = loader.get_single_data()
    except ProfileError:  # what the loader refuses
        raise
    except yaml.YAMLError as error:
        if raw.lstrip().startswith(("{", "[")):
            raise _refused(f"{where} {why_not_json(not_json)}") from None
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        said = ": ".join(part for part in (at, problem) if part)
        raise _refused(f"{where} is not valid JSON or YAML"
                       + (f" ({said})" if said else "")) from None  # fmt: skip
    except ValueError as error:  # a value YAML matches but Python cannot make: 2024-02-30, 10**5000
        reason = str(error).split(":")[0]
        raise _refused(f"{where} holds a value that cannot be read ({reason})") from None
    finally:
        if loader is not None:
            loader.dispose()
    if twice:
        raise ProfileError(twice)
    return data


def _loader(raw: str, where: str, twice: list[Problem]) -> yaml.SafeLoader:
    """PyYAML's safe loader, refusing aliases and nesting deeper than MAX_DEPTH as it composes the
    document (before its recursion could go deep), and adding a problem to ``twice`` for each key
    given twice. Only true and false are yes/no values, as in YAML 1.2: YAML 1.1's yes, no, on
    and off stay words (``recurrence: yes`` had become True, refused as "True is not
    accepted", and ``kras: no`` False). Numbers are those JSON writes: YAML 1.1's others stay
    words, as they were typed (``stage: 04``, ``0x4``, ``0b100`` and ``+4`` had become 4 with no
    "you wrote", and ``4:00`` 240)."""
    import yaml

    class Loader(yaml.SafeLoader):
        yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute, replaced)
            first: [(tag, rx) for tag, rx in resolvers if tag not in YAML_1_1]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.path: list[str | int | None] = []  # the node being composed, from the top

        # (signatures as typeshed's stubs give them: index is also a key's node or None)
        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise _refused(f"{where} uses a YAML alias (*{event.anchor}, line {line}); "
                               "write the value out instead")  # fmt: skip
            collection = isinstance(event, yaml.CollectionStartEvent)
            if collection and len(self.path) >= MAX_DEPTH:
                raise _too_deep(where)
            step = index.value if isinstance(index, yaml.ScalarNode) else index
            self.path.append(step if isinstance(step, str | int) else None)
            try:
                return super().compose_node(parent, index)
            finally:
                self.path.pop()

        def compose_mapping_node(self, anchor: dict[Any, yaml.Node]) -> yaml.MappingNode:
            node = super().compose_mapping_node(anchor)
            keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
            here = tuple(s if s is not None else "?" for s in self.path[1:])
            twice.extend(_given_twice((*here, key), where) for key in _repeated(keys))
            return node

    Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                 re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))  # fmt: skip
    Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]*)$"),
                                 list("-0123456789"))  # fmt: skip
    Loader.add_implicit_resolver("tag:yaml.org,2002:float", YAML_NUMBER, list("-0123456789"))

    def number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
        """A number, or ``TooLarge`` as JSON's reader makes it (``stage: 1e400``); a value
        tagged ``!!float`` that is written as no number (``.inf``) as PyYAML reads it."""
        value = loader.construct_yaml_float(node)
        written = isinstance(node.value, str) and YAML_NUMBER.match(node.value)
        return TooLarge(node.value) if written and math.isinf(value) else value

    Loader.add_constructor("tag:yaml.org,2002:float", number)
    return Loader(raw)


# A number as JSON writes one, with a fraction or an exponent: YAML's floats (``_loader``)
YAML_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$")
# YAML 1.1's implicit types that the loader reads as JSON would instead (``_loader``)
YAML_1_1 = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _repeated(keys: list[str]) -> list[str]:
    """The keys that come again, each time they do, in order."""
    seen: set[str] = set()
    again = []
    for key in keys:
        if key in seen:
            again.append(key)
        seen.add(key)
    return again


def field_name(path: Path) -> str:
    """A path as the errors name fields: ``biomarkers.her2``, ``symptoms[1]``."""
    words = ""
    for step in path:
        words += f"[{step}]" if isinstance(step, int) else f".{step}" if words else str(step)
    return words


# What is accepted where a profile cannot be read at all (not JSON, too large, nested too deep)
PROFILE = "a JSON object of a profile's fields"


def _refused(message: str) -> ProfileError:
    return ProfileError([Problem("profile", None, (PROFILE,), message)])


def _too_deep(where: str) -> ProfileError:
    return _refused(f"{where} is nested more than {MAX_DEPTH} levels deep; a profile needs two "
                    '(such as {"biomarkers": {"her2": "positive"}})')  # fmt: skip


def _given_twice(path: Path, where: str) -> Problem:
    return Problem(field_name(path), None, ("each key once",),
                   f"is given twice in {where}; give it once")  # fmt: skip


def reference_key(reference: str, full_urls: Mapping[str, str] | None = None) -> str:
    """A FHIR reference as ``Type/id``: a bundle's fullUrl resolved, a URL cut to its last two
    parts, a version (``/_history/N``) cut off. The one reading of a reference: the FHIR mapping,
    the cohort's FHIR folders and the CDS Hooks drafted orders use it."""
    if full_urls and reference in full_urls:
        return full_urls[reference]
    parts = [p for p in reference.split("/") if p]
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    return "/".join(parts[-2:]) if len(parts) >= 2 else reference


# What explain takes, said where a name is missing or blank, by the command (NAME) and the API
# (name) alike
GIVE_A_NAME = ("give a name: a drug, a regimen, a procedure, a test or a term (any name, brand "
               "name or abbreviation)")  # fmt: skip




def cancer_required(problem: Problem, how: str = "") -> Problem:
    """A missing cancer, saying what is accepted (the core's words are "is required", and
    the API had given them bare, accepting nothing it named); ``how`` says how to give it (the
    command's " with --cancer"). Missing is told by those words (a Problem carries no kind), not
    by the value: a cancer too long or not valid Unicode has none either, and keeps its own
    words."""
    if problem.field != "cancer" or problem.message != "is required":
        return problem
    return Problem(problem.field, problem.value, CANCER_ACCEPTED,
                   f"is required: say where the cancer started{how}: a place such as stomach, "
                   "rectum or cervix, or unknown")  # fmt: skip


FHIR_DEPTH = "a FHIR Bundle needs a few dozen levels at most"  # how deep a Bundle goes


def why_not_fhir_json(text: str | bytes, error: ValueError | RecursionError, needs: str) -> str:
    """Why a FHIR Bundle's text was not read as JSON (``why_not_read``), or that it is XML, FHIR
    XML perhaps, which onconav does not read: "not valid JSON: Expecting value (line 1, column
    1)" had sent integrators looking for a typo (a review). The command's error and the API's
    400 alike."""
    head = (text.encode() if isinstance(text, str) else text).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:14].lower().startswith((b"<!doctype html", b"<html")):  # a login or error page
        return ("is a web page (HTML), not a FHIR Bundle: export the Bundle as JSON "
                "(application/fhir+json)")  # fmt: skip
    if head.startswith(b"<"):
        return ("is XML (FHIR XML, perhaps); onconav reads a FHIR Bundle in JSON: export it as "
                "JSON (application/fhir+json)")  # fmt: skip
    return why_not_read(error, needs)


def why_not_read(error: ValueError | RecursionError, needs: str) -> str:
    """Why JSON's reader refused some text, in words that follow the name of what was read
    ("The body ...", "bundle.json ..."): where the JSON breaks (line and column), a value it
    cannot read (a number of more than 4,300 digits), or nesting deeper than the reader goes
    (JSON all the same: "not JSON" sent callers looking for a typo; ``needs`` says how deep such
    a text goes, "a FHIR Bundle needs a few dozen levels at most"). The API's 400 and the
    command's error (options --fhir) alike: Python's own words ("maximum recursion depth
    exceeded while decoding a JSON array from a unicode string") are never shown."""
    if isinstance(error, RecursionError):
        return f"is JSON nested too deeply to be read ({needs})"
    return why_not_json(error)


# ---- pydantic's errors in onconav's words ------------------------------------------------------
# One place for the API's and the CDS Hooks service's fields (``web.problems``) and the FHIR
# reading's Bundle and resources (``fhir``): the reading had sent pydantic's own words ("Input
# should be a valid integer, unable to parse string as an integer") to the API, the command and
# the CDS Hooks service

# What a parameter or a body that pydantic refused accepts, by the kind of error it gives
ACCEPTED_BY_ERROR = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
    "json_invalid": "valid JSON",
    "model_attributes_type": "a JSON object",
    "dict_type": "a JSON object",
    "list_type": "a list",
    "datetime_parsing": "a date-time",
    "datetime_type": "a date-time",
    "timezone_aware": "a date-time with its time zone",
}


def refused_words(error: Any, accepted: Sequence[str]) -> str:
    """One of pydantic's errors in onconav's words, as a profile's field is refused ("is not
    accepted; accepted: text"; the value is not quoted, as it may be the patient's): a
    validator's own words as they are ("must be a UUID"), a field missing "is required", a list
    too long or too short by its count; pydantic's own ("Input should be a valid string", "List
    should have at least 1 item after validation, not 0") had been sent as they were."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return "is required" + (f"; accepted: {' or '.join(accepted)}" if accepted else "")
    count = ctx.get("actual_length")
    items = f"has {count} item{'s' * (count != 1)}"
    if kind == "too_long" and isinstance(count, int):
        return f"{items}; at most {ctx['max_length']} are read"
    if kind == "too_short" and isinstance(count, int) and accepted:
        return f"{items}; give {' or '.join(accepted)}"
    if accepted:
        return f"is not accepted; accepted: {' or '.join(accepted)}"
    said = str(error["msg"])  # a kind with no words here yet: not lost
    return f"is not accepted: {said[:1].lower()}{said[1:]}"


def accepted_by(error: Any) -> list[str]:
    """What one of pydantic's errors says is accepted: by the kind of error, else the allowed
    values it names, else its words for what the input should be (none if it has none)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ACCEPTED_BY_ERROR:
        return [ACCEPTED_BY_ERROR[kind]]
    if "expected" in ctx:  # a literal or an enum: "'a' or 'b'"
        return [str(ctx["expected"])]
    if kind == "too_long":  # a list: more than a service reads (CDS Hooks' feedback)
        return [f"at most {ctx['max_length']} items"]
    if kind == "too_short":
        return [f"at least {ctx['min_length']} item" + "s" * (ctx["min_length"] != 1)]
    for bound, words_of in (("ge", "or more"), ("gt", "more than"), ("le", "or less"),
                            ("lt", "less than")):  # fmt: skip
        if kind.endswith(("_than_equal", "_than")) and bound in ctx:
            return [f"{ctx[bound]} {words_of}" if words_of.startswith("or")
                    else f"{words_of} {ctx[bound]}"]  # fmt: skip
    if kind == "string_too_short":  # an empty id in a CDS Hooks call
        return [f"text of at least {ctx['min_length']} character" + "s" * (ctx["min_length"] != 1)]
    if kind == "value_error" and (what := str(error["msg"]).partition("Value error, must be ")[2]):
        return [what]  # a validator's own words: "must be a UUID"
    should = str(error["msg"]).partition("Input should be ")[2]
    return [should.split(",")[0]] if should else []


# ---- a test of a result named on record but not read -----------------------------------------

# Why a test of a result (HER2, KRAS) that a FHIR record names is not read (the FHIR mapping's
# ``_named_unread``, ``FhirReading.named``): each said here once, for the mapping that gives it
# and the CDS Hooks cards that say it in a few words of their own (``cards.HELD_WORDS``): the
# cards had written the mapping's words again, to be kept the same by hand
NO_FINAL_RESULT = "no final result yet"
RESULT_NOT_READABLE = "a result onconav cannot read"
UNREAD_REASONS = (NO_FINAL_RESULT, RESULT_NOT_READABLE)


# ---- searchsets: whether a Bundle of a search holds all that it found -------------------------

# FHIR R4's Bundle types (http://hl7.org/fhir/R4/valueset-bundle-type.html)
BUNDLE_TYPES = ("document", "message", "transaction", "transaction-response", "batch",
                "batch-response", "history", "searchset", "collection")  # fmt: skip



# FHIR R4's code: no space at either end, single spaces within (the models' pattern)
FHIR_CODE = re.compile(r"[^\s]+(\s[^\s]+)*")


def bundle_type_refused(value: Mapping[str, Any]) -> str | None:
    """Why a Bundle's ``type`` is refused (the FHIR models take any code): the words the command
    line and the CDS Hooks service say, each naming its own field; None for a Bundle type. A
    type missing (or null) "is required", and one that is not text "is not accepted", in the
    words the command line's Bundle model gives them (``fhir._bundle_refused``; so is text that
    is no FHIR code, FHIR_CODE): the CDS Hooks
    service had said "type None is not a Bundle type"."""
    given = value.get("type")
    if given in BUNDLE_TYPES:
        return None
    if not isinstance(given, str) or not FHIR_CODE.fullmatch(given):
        kind = "missing" if given is None else "not_accepted"
        said = refused_words({"type": kind}, (f"a Bundle type ({', '.join(BUNDLE_TYPES)})",))
        return f"not a valid FHIR R4 Bundle: type {said}"
    return (f"not a valid FHIR R4 Bundle: type {given!r} is not a Bundle type "
            f"({', '.join(BUNDLE_TYPES)})")


def has_next_page(value: Mapping[str, Any]) -> bool:
    """Whether a Bundle links to a next page."""
    links = value.get("link") if value.get("resourceType") == "Bundle" else None
    return isinstance(links, list) and any(
        isinstance(link, dict) and link.get("relation") == "next" for link in links
    )


def fewer_than_found(value: Mapping[str, Any]) -> bool:
    """Whether a searchset holds fewer resources than its ``total`` says it found (a page whose
    next link was left out). ``total`` counts only the matches: every entry is counted against
    it but those whose ``search.mode`` is "include" (what an ``_include`` brings: a page of
    total 3 holding one match and two Medications had been read as whole) or "outcome", and
    an OperationOutcome; an entry stating no mode counts as a match (three unmarked orders
    beside two included Medications, total 3, had been read as short: only mode "match" was
    counted once any entry stated a mode). Read as the whole search, the resources left out
    would read as "not on record" (a searchset of total 5 with 2 entries had been answered as
    the whole record)."""
    total = value.get("total") if value.get("type") == "searchset" else None
    if not isinstance(total, int) or isinstance(total, bool):
        return False
    entries = value.get("entry")
    matches = [e for e in entries if isinstance(e, dict) and _a_match(e)] if isinstance(
        entries, list) else []  # fmt: skip
    return total > len(matches)


def _a_match(entry: Mapping[str, Any]) -> bool:
    """Whether a searchset's entry is one of its matches: not of ``search.mode`` "include" or
    "outcome", nor an OperationOutcome (an entry stating no mode is a match)."""
    search, resource = entry.get("search"), entry.get("resource")
    mode = search.get("mode") if isinstance(search, dict) else None
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    return mode not in ("include", "outcome") and kind != "OperationOutcome"
