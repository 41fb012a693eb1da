"""Problem documents (RFC 9457, ``application/problem+json``): the one shape of every error of
the app, the API's and the CDS Hooks service's alike, each field error with the field, the value
given, what is accepted and a message."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticSerializationError

from onconav import words
from onconav.profile import Problem

# pydantic's errors in onconav's words live in the core, where the FHIR reading says its own
# with them; the app's and the CDS Hooks service's fields take them from here as before
from onconav.reading import accepted_by as accepted_by
from onconav.reading import refused_words as refused_words
from onconav.reading import why_not_fhir_json, why_not_read

PROBLEM = "application/problem+json"
# RFC 9110's phrases where Python 3.11's HTTPStatus still has those of RFC 7231
PHRASES = {413: "Content Too Large", 414: "URI Too Long", 422: "Unprocessable Content"}


class _Out(BaseModel):
    # Every field is in every problem document, a default one too (type, errors, value,
    # accepted): the API's schema says so, as the Result's does
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class FieldError(_Out):
    field: str = Field(description="Where, as a path: biomarkers.her2, symptoms[1]")
    value: Any = Field(default=None, description="The value given (the API cuts each text in it "
                       "over 40 characters, '…' marking the cut); null when none was given or it "
                       "is not sent back")
    accepted: list[str] = Field(default_factory=list, description="What is accepted")
    message: str


class ProblemDetails(_Out):
    """An error, as RFC 9457 describes (application/problem+json)."""

    type: str = Field(default="about:blank", description="Always about:blank: the status says "
                      "what kind of problem it is, the detail and the errors say what is wrong")
    title: str = Field(description="The status's phrase (RFC 9110), as RFC 9457 asks with "
                       "about:blank: Bad Request, Unprocessable Content, ...")
    status: int
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


def problem(
    status: int, detail: str = "",
    errors: list[FieldError] | None = None, headers: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """A problem document. Its ``type`` is about:blank, so its title is the status's phrase (RFC
    9457 4.2.1; ``title_of``): titles of our own ("Invalid profile", "Error") were sent with it.
    What is wrong is said by ``detail`` and ``errors``."""
    body = ProblemDetails(title=title_of(status), status=status, detail=detail,
                          errors=errors or [])  # fmt: skip
    try:
        text = body.model_dump_json()
    except PydanticSerializationError:
        # a lone surrogate sent as a JSON escape ("\ud800") and echoed back as the value given:
        # UTF-8 has no such character, so it goes back escaped as it came
        text = json.dumps(body.model_dump(mode="json"))
    return Response(text, status_code=status, media_type=PROBLEM, headers=headers)


def title_of(status: int) -> str:
    """A status's phrase, as RFC 9110 has it ("Unprocessable Content")."""
    return PHRASES.get(status) or HTTPStatus(status).phrase


def not_json(error: ValueError | RecursionError, needs: str) -> Response:
    """400 for a body JSON's reader refused, saying why (``why_not_read``), naming the body
    (it had named no field, where the profile's route names ``profile``)."""
    why = why_not_read(error, needs)
    return problem(400, detail=f"The body {why}.", errors=[
        FieldError(field="body", value=None, accepted=["a JSON object"], message=why)])


def not_fhir_json(text: str, error: ValueError | RecursionError, needs: str) -> Response:
    """400 for a FHIR Bundle's body JSON's reader refused, saying why; XML is said to be XML
    (``why_not_fhir_json``), as the command says it. The field is ``bundle``, as the reading
    names the Bundle's."""
    why = why_not_fhir_json(text, error, needs)
    return problem(400, detail=f"The body {why}.", errors=[
        FieldError(field="bundle", value=None, accepted=["a FHIR Bundle in JSON"], message=why)])


def parameters_refused(params: Sequence[tuple[str, str]], known: Sequence[str],
                       what: str, instead: str = "") -> list[Problem]:  # fmt: skip
    """A problem for each name of a query string that is not one of ``known`` (named as given,
    cut at 60 characters, as the page's form names one), and for each of ``known`` given more
    than once: a route reads one value and dropped the others without a word (``q=lonsurf&
    q=stoma`` searched "stoma"), and a name not known was dropped too (``qq=stoma`` searched
    nothing; ``/api/v1/options?stage=4`` gave the options of the body's stage). ``what`` names
    the address in the message ("the search"), ``instead`` what to do ("send the profile in the
    body"), for an address that takes no parameter."""
    takes = f"; its parameters: {', '.join(known)}" if known else ", which takes none"
    takes += f": {instead}" if instead else ""
    problems = []
    for name, times in Counter(name for name, _ in params).items():
        given = [value for said, value in params if said == name]
        if name not in known:
            problems.append(Problem(words.cut(name, words.NAME_SHOWN), given[0], tuple(known),
                                    f"is not a parameter of {what}{takes}"))
        elif times > 1:
            problems.append(Problem(name, given, ("one value",),
                                    f"has more than one answer ({times} given): give one"))
    return problems


def not_allowed(method: str, allowed: Sequence[str], headers: Mapping[str, str]) -> Response:
    """405 for a method an address does not take, saying which it takes (its ``Allow``), with
    the method as the field error's value (a method is nobody's data)."""
    takes = ", ".join(allowed)
    said = f"is not a method this address takes; it takes {takes} (Allow)"
    return problem(405, f"{method} {said}.", [FieldError(
        field="method", value=method, accepted=list(allowed), message=said)],
        headers=dict(headers))  # fmt: skip


def shown_field(field: str) -> str:
    """A field as a detail names it: a key that is empty (``{"": 1}``, ``biomarkers.``) said to
    be one ("an empty field name"; the detail had read "; : unknown field; ...")."""
    if field == "":
        return 'an empty field name ("")'
    if field.endswith("."):
        return f'{field[:-1]}: an empty field name ("")'
    return field


def detail_of(errors: Sequence[FieldError]) -> str:
    """The detail of a problem document of field errors: each field (``shown_field``) with its
    message."""
    return "; ".join(f"{shown_field(e.field)}: {e.message}" for e in errors)


def field_errors(problems: list[Problem]) -> list[FieldError]:
    """Each problem as a field error, its message with each value it quotes cut at 40
    characters (``words.short_quotes``, as the page's messages are), for the API and CDS Hooks
    alike (the API cuts the value too, ``value_shown``; CDS Hooks gives back only codes)."""
    return [
        FieldError(field=p.field, value=jsonable(p.value), accepted=list(p.accepted),
                   message=words.short_quotes(p.message))
        for p in problems
    ]  # fmt: skip


def value_shown(value: Any) -> Any:
    """A value given, as the API's field error sends it back: each text in it (a key of an
    object too) over 40 characters cut as the message quotes it (``words.cut``; "…" marks the
    cut), the rest as given. A portal shows the error, and stores it in its logs: a cancer of
    300 characters, a symptom of 250 KB came back whole, where the search's q came back cut and
    a value too long as none (null). The message says how long a text refused for its length
    is."""
    if isinstance(value, str):
        return value if len(value) <= words.TYPED_SHOWN else words.cut(value)
    if isinstance(value, list):
        return [value_shown(item) for item in value]
    if isinstance(value, dict):
        return {value_shown(key): value_shown(item) for key, item in value.items()}
    return value


# What a field takes, by the type of its JSON schema, for a field a body lacks
ACCEPTED_BY_TYPE = {
    "string": "text",
    "object": "a JSON object",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def accepted_when_missing(model: type[BaseModel], where: Sequence[str | int]) -> list[str]:
    """What the field at ``where`` (a pydantic error's ``loc``) of ``model`` takes, for a field
    the body lacks: pydantic says only "Field required". From the field's JSON schema: its
    description where its type says what it takes ("a UUID"), its values, else its type's words;
    none where the place is not a field of the model."""
    schema = root = model.model_json_schema()
    for step in where:
        if isinstance(step, int):  # an item of a list
            schema = schema.get("items", {})
            continue
        if "$ref" in schema:
            schema = root["$defs"][schema["$ref"].rpartition("/")[2]]
        schema = schema.get("properties", {}).get(step, {})
        schema = next((s for s in schema.get("anyOf", []) if s.get("type") != "null"), schema)
    if "description" in schema:
        return [schema["description"]]
    if "enum" in schema or "const" in schema:
        return [str(v) for v in schema.get("enum", [schema.get("const")])]
    if "$ref" in schema:
        return ["a JSON object"]
    accepted = ACCEPTED_BY_TYPE.get(schema.get("type", ""))
    if accepted == "a list" and schema.get("minItems"):
        count = schema["minItems"]
        accepted = f"a list of at least {count} item" + "s" * (count != 1)
    if accepted == "text" and schema.get("minLength"):
        length = schema["minLength"]
        accepted = f"text of at least {length} character" + "s" * (length != 1)
    return [accepted] if accepted else []


def jsonable(value: object) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value
