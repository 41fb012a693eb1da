"""The JSON Schemas onconav publishes (``schemas/``): the knowledge base, the profile, the result;
and the words a profile accepts, by field, for docs/profile.md. Exported by ``onconav kb schema``;
tests keep the files current.

The profile's schema is made from the same vocabulary the command reads: each list field takes
the names of its values (ids, names, aliases) or their clinical codes, and the fields of a few
values take the spellings their readers accept (``onconav.words.SPELLINGS``, and a TNM stage). The
command accepts a little more than a schema can say: any case and spacing, combinations written
as a pair (carbo/taxol), a comma-separated string for a list, any KRAS variant.
"""

from __future__ import annotations

import json
import re
from typing import Any

from onconav import words
from onconav.kb import KnowledgeBase
from onconav.kb.canonical import SCHEMA_FILE, json_schema, schema_text
from onconav.kb.vocabulary import CODE_SYSTEMS, record_codes
from onconav.profile import MARKERS, SET_FIELDS, Profile, where_unsaid
from onconav.result import Result

# What the command takes for an ICD-10 code rather than a name (onconav.kb.vocabulary.ICD10).
ICD10_LIKE = r"^\s*[A-Za-z][0-9][0-9A-Za-z](\.[0-9A-Za-z]{1,4})?\s*$"
# The words and numbers the profile reads as yes or no (pydantic's), beside true and false.
YES_NO = [0, 1, "0", "1", "yes", "no", "y", "n", "true", "false", "on", "off", "t", "f"]
# The same words as the reader takes them: in any case, spaces around them.
YES_NO_TEXT = {"type": "string", "pattern": "^\\s*(" + "|".join(
    "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)
    for word in YES_NO if isinstance(word, str)) + ")\\s*$"}  # fmt: skip
# A value that says it is not known (any field but the cancer): the same as leaving it out;
# defined once in the profile's schema ($defs), referred to by each field.
_APART = "[^A-Za-z0-9+]*"  # what the reader leaves out between letters (``words._compact``)
NOT_KNOWN_DEF: dict[str, Any] = {
    "anyOf": [
        {"enum": list(words.NOT_KNOWN)},
        {"type": "string", "pattern": "^" + _APART + "(" + "|".join(
            _APART.join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c)
                        for c in word.lower() if c.isalnum() or c == "+")
            for word in words.NOT_KNOWN) + ")" + _APART + "$"},
        {"type": "string", "pattern": r"^\s*$"},
    ],
    "description": "not known (unknown, not tested, n/a, blank, ...): the same as leaving the "
    "field out",
}
NOT_KNOWN = {"$ref": "#/$defs/NotKnown"}
NOT_KNOWN_ALONE = {"type": "array", "items": NOT_KNOWN, "minItems": 1, "maxItems": 1}  # a list's


# Said in the profile's schema (and so in the OpenAPI document), so that a client's author does
# not take the schema for all that is read: it refused what the API accepts and documents.
ALSO_ACCEPTED = (
    "This schema lists the canonical spellings. The server (POST /api/v1/options) and the "
    "command line also accept the other spellings docs/profile.md lists: field names in any "
    "case (Stage, CANCER), her2 and kras at the top level as well as in biomarkers, values in "
    "any case and spacing, a list written as one comma-separated string (\"bleeding, pain\"), "
    "\"none\" for an empty list, combinations written as a pair (carbo/taxol) and any KRAS "
    "variant. A profile this schema refuses may still be read; a 422 from the server names each "
    "field it does not accept, with what is accepted."
)


def all_schemas(kb: KnowledgeBase) -> dict[str, str]:
    """Every exported schema by file name."""
    return {
        SCHEMA_FILE: json_schema(),
        "profile.schema.json": schema_text(profile_schema(kb), "onconav profile"),
        "result.schema.json": schema_text(
            Result.model_json_schema(mode="serialization"), "onconav result"
        ),
    }


def accepted_names(kb: KnowledgeBase, field: str) -> dict[str, list[str]]:
    """The names a list field accepts, by the value a profile reads each as (its id first):
    radiation named by how it is given (brachytherapy, EBRT) is read as radiation, and is listed
    under it (it had its own line, as if it were a value of its own)."""
    labels = {v.id: v.label for v in kb.facts[field].values}
    out: dict[str, list[str]] = {}
    read_as = {value: where_unsaid(kb, field, value)[0] for value in kb.vocabulary.known(field)}
    for value in sorted(read_as, key=lambda v: (read_as[v] != v, v)):  # a value's own id first
        record = kb.by_id.get(value)
        names = [value, value.replace("-", " "), *([labels[value]] if value in labels else [])]
        names += record.names() if record is not None and hasattr(record, "names") else []
        out[read_as[value]] = list(dict.fromkeys([*out.get(read_as[value], []), *names,
                                                  *(n.lower() for n in names)]))  # fmt: skip
    return dict(sorted(out.items()))


def _codes(kb: KnowledgeBase, field: str) -> set[str]:
    """The clinical codes of the values of a list field, as the command reads them: bare, and
    as system|code with the system's short name or its URI."""
    out: set[str] = set()
    for value in kb.vocabulary.known(field):
        record = kb.by_id.get(value)
        for system, code in record_codes(record) if record is not None else []:
            out |= {code, *(f"{name}|{code}" for name in CODE_SYSTEMS[system][2][:2])}
    return out


def _spellings(field: str) -> list[str]:
    return [s for spellings in words.SPELLINGS[field].values() for s in spellings]


def profile_schema(kb: KnowledgeBase) -> dict[str, Any]:
    """The profile's JSON Schema, with the accepted words of every field."""
    schema = Profile.model_json_schema()
    schema["description"] = f"{schema.get('description', '').rstrip()} {ALSO_ACCEPTED}".strip()
    schema["$defs"]["NotKnown"] = NOT_KNOWN_DEF
    props = schema["properties"]
    for field in SET_FIELDS:
        names = sorted({n for ns in accepted_names(kb, field).values() for n in ns})
        item = {"enum": names + sorted(_codes(kb, field) - set(names))}
        props[field] = {
            "anyOf": [
                {"type": "array", "items": item},
                NOT_KNOWN,
                NOT_KNOWN_ALONE,
                {"type": "null"},
            ],
            "default": None,
            "description": props[field].get("description", ""),
            "title": props[field].get("title", field),
        }
    cancer_codes = sorted({c for r in kb.data.cancers for _, code in record_codes(r)
                           for c in (code, f"icd10|{code}", f"snomed|{code}")})  # fmt: skip
    props["cancer"] = {
        "description": props["cancer"]["description"],
        "anyOf": [
            {"type": "string", "pattern": "[A-Za-z]",  # a name: a code of no cancer is refused
             "not": {"anyOf": [{"pattern": "[|]"}, {"pattern": ICD10_LIKE}]}},
            {"enum": cancer_codes},
        ],
    }
    props["stage"]["anyOf"] = [
        {"enum": _spellings("stage")},
        {"type": "string", "pattern": words.TNM_PATTERN},
        {"type": "integer", "minimum": 0, "maximum": 4},
        NOT_KNOWN,
        {"type": "null"},
    ]
    for field in ("recurrence", "metastasis_extent"):
        props[field]["anyOf"] = [{"enum": _spellings(field)}, NOT_KNOWN, {"type": "null"}]
    for prop in props.values():  # yes/no fields take what the command reads as yes/no
        if {"type": "boolean"} in prop.get("anyOf", []):
            prop["anyOf"][1:1] = [{"enum": YES_NO}, YES_NO_TEXT, NOT_KNOWN]
    props["biomarkers"] = {
        "anyOf": [{"$ref": "#/$defs/Biomarkers"}, NOT_KNOWN, {"type": "null"}],
        "description": "Test results of the cancer; null, or a word for not known: none known",
    }
    markers = schema["$defs"]["Biomarkers"]["properties"]
    for marker in MARKERS:
        one: dict[str, Any] = {"enum": _spellings(marker)}
        if marker == "her2":
            one = {"anyOf": [one, {"type": "integer", "minimum": 0, "maximum": 3}]}
        markers[marker]["anyOf"] = [one, {"type": "array", "items": one}, NOT_KNOWN,
                                    NOT_KNOWN_ALONE, {"type": "null"}]  # fmt: skip
        props[marker] = {**markers[marker], "description": f"The same as biomarkers.{marker}"}
    copy: dict[str, Any] = json.loads(json.dumps(schema))  # a plain copy
    return copy


WORD_FIELDS = ("cancer", "stage", "recurrence", "metastasis_extent", "biomarkers.her2",
               "biomarkers.kras", *SET_FIELDS)  # fmt: skip
"""The profile's fields whose words are listed (``accepted_words``), in the profile's order."""

# Where the cancer started is not known: the value "any", the general options. A few of the
# words read so (``profile.UNKNOWN_SITE``, ``words.DONT_KNOW``), beside the record's own names.
UNKNOWN_CANCER_WORDS = ("unknown", "not known", "unknown primary", "cancer of unknown primary",
                        "I don't know", "not sure")  # fmt: skip


OTHER_CANCER = ("any other cancer by its name (lung, kidney, non-small cell lung cancer, ...): the "
                "options for advanced cancer in general, the answer's scope saying that no "
                "source is about that cancer (has_own_source false)")


def accepted_words(kb: KnowledgeBase, field: str) -> dict[str, list[str]]:
    """The words a field accepts, by the value each is read as ("" for words read as not known):
    the names of the cancers the knowledge base knows (any other cancer is taken by its name),
    representative spellings of a field of a few values, every name of a list field's values."""
    if field == "cancer":
        named = {c.id: [c.name, *c.aliases] for c in kb.data.cancers if c.id != "any"}
        anywhere = next(c for c in kb.data.cancers if c.id == "any")
        return named | {"any": [*UNKNOWN_CANCER_WORDS, anywhere.name, *anywhere.aliases]}
    if field in SET_FIELDS:
        return accepted_names(kb, field)
    return words.SPELLINGS[field.removeprefix("biomarkers.")]


def accepted_words_markdown(kb: KnowledgeBase) -> str:
    """The words each field accepts, as the Markdown block of docs/profile.md."""
    lines = ["| field | value | accepted words (any case and spacing) |", "|---|---|---|"]
    for field in WORD_FIELDS:
        for value, names in accepted_words(kb, field).items():
            label = f"`{value}`" if value else "(unknown)"
            cell = ", ".join(n.replace("|", "\\|") for n in names)
            lines.append(f"| `{field}` | {label} | {cell} |")
        if field == "cancer":
            lines.append(f"| `cancer` | (another) | {OTHER_CANCER} |")
    lines.append(f"| any field but `cancer` (a list: alone) | (unknown) | "
                 f"{', '.join(words.NOT_KNOWN)}, or blank |")  # fmt: skip
    return "\n".join(lines) + "\n"
