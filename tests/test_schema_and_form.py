"""The exported JSON Schema is current, every data file matches it, and every file is canonical."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from onconav.kb import canonical
from onconav.kb.load import data_files
from onconav.schemas import all_schemas

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / canonical.SCHEMA_FILE


@pytest.mark.parametrize("name", list(all_schemas()))
def test_exported_schema_is_current(name: str) -> None:
    path = ROOT / "schemas" / name
    assert path.is_file(), "run `make schema` to export the schemas"
    assert path.read_text(encoding="utf-8") == all_schemas()[name], (
        f"schemas/{name} is stale: run `make schema`"
    )


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.name)
def test_data_file_matches_the_schema(path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.name)
def test_data_file_is_in_canonical_form(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert canonical.canonical_text(text) == text, f"{path.name}: run `make fmt`"


def test_schema_rejects_an_unknown_key() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"drugs": [{"id": "x", "name": "x", "colour": "red"}]}, schema)


def test_canonical_form_is_stable_and_reorders_keys() -> None:
    messy = (
        "drugs:\n- description: A drug.\n  name: Example\n  id: example\n"
        "  classes: [chemotherapy]\n"
        "  evidence:\n  - sha256: " + "a" * 64 + "\n    source: s\n    start: 1\n    end: 2\n"
    )
    once = canonical.canonical_text(messy)
    assert once.splitlines()[1] == "  - id: example"
    assert "{source: s, start: 1, end: 2, sha256: " in once
    assert canonical.canonical_text(once) == once


def test_the_json_artefact_is_current() -> None:
    from onconav.kb.load import ARTEFACT, artefact_text, data_dir

    assert (data_dir() / ARTEFACT).read_text(encoding="utf-8") == artefact_text(), (
        "kb.json is not current: run onconav kb build"
    )


def test_a_stale_or_broken_artefact_is_not_used(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """kb.json is read only when made from the YAML at hand and valid; else the YAML is read."""
    import shutil

    from onconav.kb import load

    root = tmp_path / "data"
    shutil.copytree(load.data_dir(), root)
    parsed: list[int] = []
    real_parse = load.parse
    monkeypatch.setattr(load, "parse", lambda files: parsed.append(1) or real_parse(files))
    load.load_kb(root)
    assert parsed == [], "a current kb.json is read without parsing the YAML"
    artefact = root / load.ARTEFACT
    text = artefact.read_text(encoding="utf-8")
    artefact.write_text(text.replace('"id": "stage"', '"id": "stage", "colour": "blue"', 1))
    assert load.load_kb(root).facts["stage"].id == "stage"  # invalid: the YAML is read
    assert parsed == [1]
    artefact.write_text(text, encoding="utf-8")
    (root / "drugs.yaml").write_text(
        (root / "drugs.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    load.load_kb(root)  # the YAML changed since kb.json was made: the YAML is read
    assert parsed == [1, 1]
