"""The JSON Schemas onconav publishes (``schemas/``): the knowledge base, the profile, the result.
Exported by ``onconav kb schema``; a test keeps the files current."""

from __future__ import annotations

from onconav.kb.canonical import SCHEMA_FILE, json_schema, schema_text
from onconav.profile import Profile
from onconav.result import Result


def all_schemas() -> dict[str, str]:
    """Every exported schema by file name."""
    return {
        SCHEMA_FILE: json_schema(),
        "profile.schema.json": schema_text(Profile.model_json_schema(), "onconav profile"),
        "result.schema.json": schema_text(
            Result.model_json_schema(mode="serialization"), "onconav result"
        ),
    }
