"""The canonical YAML form of the data files, and the knowledge base's JSON Schema.

Data files are reviewed like code, so their form is fixed: keys in model order, defaults left out,
evidence spans and fact tests on one line each. ``onconav kb fmt`` rewrites files into this form;
a test fails when a file is not in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from onconav.kb.model import KBData

SCHEMA_FILE = "kb.schema.json"
FLOW_KEYS = ({"source", "start", "end", "sha256"},)


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as most YAML in the wild does.
        super().increase_indent(flow, False)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or (
        isinstance(value, list) and all(isinstance(v, str | int) for v in value)
    )


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    keys = set(data)
    flow = (
        keys in FLOW_KEYS
        or ("fact" in keys and len(keys) == 2)
        or (len(keys) <= 3 and all(_scalar(v) for v in data.values()) and "description" not in keys)
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, str | int) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def dump_yaml(doc: dict[str, Any]) -> str:
    return yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100_000,
        default_flow_style=False,
    )


def canonical_text(text: str) -> str:
    """The canonical form of one data file's text (validated against the KB model)."""
    raw = yaml.safe_load(text) or {}
    model = KBData.model_validate(raw)
    dumped = model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    ordered = {key: dumped[key] for key in raw if key in dumped}
    return dump_yaml(ordered)


def format_file(path: Path) -> bool:
    """Rewrite a data file in canonical form; return True if it changed."""
    text = path.read_text(encoding="utf-8")
    new = canonical_text(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


def schema_text(schema: dict[str, Any], title: str) -> str:
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def json_schema() -> str:
    return schema_text(KBData.model_json_schema(by_alias=True), "onconav knowledge base")
