"""The JSON Schemas onconav publishes (``schemas/``): the knowledge base, the profile, the result;
and the words a profile accepts, by field, for docs/profile.md. Exported by ``onconav kb schema``;
tests keep the files current.

The profile's schema is made from the same vocabulary the command reads: each list field takes
the names of its values (ids, names, aliases) or a clinical code, and the fields of a few values
take the spellings their readers accept (``onconav.words.SPELLINGS``, and a TNM stage). The
command accepts a little more than a schema can say: any case and spacing, combinations written
as a pair (carbo/taxol), a comma-separated string for a list, any KRAS variant.
"""

from __future__ import annotations

import json
from typing import Any

from onconav import words
from onconav.kb import KnowledgeBase
from onconav.kb.canonical import SCHEMA_FILE, json_schema, schema_text
from onconav.profile import SET_FIELDS, Profile
from onconav.result import Result

# A clinical code, as system|code or a bare ICD-10, SNOMED CT or RxNorm code; the command
# accepts the codes of the knowledge base's records only.
CODE_PATTERN = (
    r"^([A-Za-z][A-Za-z0-9.:/_-]*\|[A-Za-z0-9.-]+|[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?|[0-9]{3,18})$"
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
    """The names a list field accepts, by the value each means (its id first)."""
    labels = {v.id: v.label for v in kb.facts[field].values}
    out: dict[str, list[str]] = {}
    for value in sorted(kb.vocabulary.known(field)):
        record = kb.by_id.get(value)
        names = [value, value.replace("-", " "), *([labels[value]] if value in labels else [])]
        names += record.names() if record is not None and hasattr(record, "names") else []
        out[value] = list(dict.fromkeys([*names, *(n.lower() for n in names)]))
    return out


def _spellings(field: str) -> list[str]:
    return [s for spellings in words.SPELLINGS[field].values() for s in spellings]


def profile_schema(kb: KnowledgeBase) -> dict[str, Any]:
    """The profile's JSON Schema, with the accepted words of every field."""
    schema = Profile.model_json_schema()
    props = schema["properties"]
    for field in SET_FIELDS:
        names = sorted({n for ns in accepted_names(kb, field).values() for n in ns})
        item = {"anyOf": [{"enum": names}, {"type": "string", "pattern": CODE_PATTERN}]}
        props[field] = {
            "anyOf": [{"type": "array", "items": item}, {"type": "null"}],
            "default": None,
            "description": props[field].get("description", ""),
            "title": props[field].get("title", field),
        }
    props["stage"]["anyOf"] = [
        {"enum": _spellings("stage")},
        {"type": "string", "pattern": words.TNM_PATTERN},
        {"type": "integer", "minimum": 0, "maximum": 4},
        {"type": "null"},
    ]
    for field in ("recurrence", "metastasis_extent"):
        props[field]["anyOf"] = [{"enum": _spellings(field)}, {"type": "null"}]
    markers = schema["$defs"]["Biomarkers"]["properties"]
    for marker in ("her2", "kras"):
        one: dict[str, Any] = {"enum": _spellings(marker)}
        if marker == "her2":
            one = {"anyOf": [one, {"type": "integer", "minimum": 0, "maximum": 3}]}
        markers[marker]["anyOf"] = [one, {"type": "array", "items": one}, {"type": "null"}]
        props[marker] = {**markers[marker], "description": f"The same as biomarkers.{marker}"}
    copy: dict[str, Any] = json.loads(json.dumps(schema))  # a plain copy
    return copy


def accepted_words_markdown(kb: KnowledgeBase) -> str:
    """The words each field accepts, as the Markdown block of docs/profile.md."""
    lines = ["| field | value | accepted words (any case and spacing) |", "|---|---|---|"]
    for field in ("stage", "recurrence", "metastasis_extent", "her2", "kras"):
        shown = f"biomarkers.{field}" if field in ("her2", "kras") else field
        for value, spellings in words.SPELLINGS[field].items():
            label = f"`{value}`" if value else "(unknown)"
            lines.append(f"| `{shown}` | {label} | {', '.join(spellings)} |")
    for field in SET_FIELDS:
        for value, names in accepted_names(kb, field).items():
            cell = ", ".join(n.replace("|", "\\|") for n in names)
            lines.append(f"| `{field}` | `{value}` | {cell} |")
    return "\n".join(lines) + "\n"
