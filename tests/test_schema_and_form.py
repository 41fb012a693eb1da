"""The exported JSON Schema is current, every data file matches it, and every file is canonical."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from onconav.kb import canonical, load_kb
from onconav.kb.load import data_files
from onconav.schemas import accepted_words, all_schemas

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / canonical.SCHEMA_FILE


@pytest.mark.parametrize("name", list(all_schemas(load_kb())))
def test_exported_schema_is_current(name: str) -> None:
    path = ROOT / "schemas" / name
    assert path.is_file(), "run `make schema` to export the schemas"
    assert path.read_text(encoding="utf-8") == all_schemas(load_kb())[name], (
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


def test_every_field_of_an_answer_is_required_by_the_schemas() -> None:
    """Every answer holds every field of its models, one with a default too (``warnings``,
    ``in_trials``): the result schema and the API's say each is required, and an answer of each
    example holds each. Fields with a default had not been required, which a client's generated
    types read as fields that may be absent (a review of the API)."""
    from onconav.engine import evaluate
    from onconav.profile import parse_profile

    result = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
    api = json.loads((ROOT / "schemas" / "openapi.json").read_text())["components"]["schemas"]
    models = {"Result": result, **result["$defs"]}
    for name, model in models.items():
        assert set(model.get("required", [])) == set(model.get("properties", {})), name
        if name in api:  # the API's answers are the same models
            assert set(api[name].get("required", [])) == set(model.get("properties", {})), name
    assert "warnings" in models["OptionResult"]["required"]
    kb = load_kb()
    for path in sorted((ROOT / "examples").glob("*.json")):
        answer = json.loads(evaluate(parse_profile(json.loads(path.read_text()), kb),
                                     kb).model_dump_json())  # fmt: skip
        assert set(answer) == set(result["properties"]), path.name
        for option in answer["options"]:
            assert set(option) == set(models["OptionResult"]["properties"]), path.name


def _refs(node: object) -> set[str]:
    """The component schemas a part of an OpenAPI document names (``$ref``)."""
    if isinstance(node, dict):
        return {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else {
            name for value in node.values() for name in _refs(value)}  # fmt: skip
    if isinstance(node, list):
        return {name for value in node for name in _refs(value)}
    return set()


def test_every_field_of_every_answer_of_the_api_is_required_by_its_schema() -> None:
    """Every model the API answers with, whatever the route (a search's SearchResult, Hit, Match
    and Ref; a problem document's ProblemDetails and FieldError; the Result), holds every field
    in every answer: the pinned OpenAPI document says each is required. Only the Result's had
    been (b96e2b1): a search's ``notices`` or a problem's ``errors`` read as fields that may be
    absent to a client's generated types (a review of the API)."""
    api = json.loads((ROOT / "schemas" / "openapi.json").read_text())
    components = api["components"]["schemas"]
    answered: set[str] = set()
    todo = _refs([op.get("responses", {}) for item in api["paths"].values()
                  for op in item.values()])  # fmt: skip
    while todo:
        name = todo.pop()
        if name not in answered:
            answered.add(name)
            todo |= _refs(components[name])
    assert {"SearchResult", "Hit", "Match", "Ref", "ProblemDetails", "FieldError"} <= answered
    for name in sorted(answered):
        model = components[name]
        assert set(model.get("required", [])) == set(model.get("properties", {})), name


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


# --------------------------------------------------------------------------------------------
# The profile's schema accepts what the command accepts, both ways (issue 10)
# --------------------------------------------------------------------------------------------

PROFILE_SCHEMA = json.loads((ROOT / "schemas" / "profile.schema.json").read_text(encoding="utf-8"))
PROFILE_VALIDATOR = jsonschema.Draft202012Validator(PROFILE_SCHEMA)


def _schema_accepts(profile: object) -> bool:
    return bool(PROFILE_VALIDATOR.is_valid(profile))


KB = load_kb()


def _command_accepts(profile: dict[str, object]) -> bool:
    from onconav.profile import ProfileError, parse_profile

    try:
        parse_profile(profile, KB)
    except ProfileError:
        return False
    return True


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.json")), ids=lambda p: p.name)
def test_every_example_validates_against_the_profile_schema(path: Path) -> None:
    assert _schema_accepts(json.loads(path.read_text(encoding="utf-8")))


def _enums(node: object) -> list[str]:
    """Every value listed in an enum under a schema node."""
    if isinstance(node, dict):
        found = [v for v in node.get("enum", []) if isinstance(v, str)]
        return found + [v for child in node.values() for v in _enums(child)]
    if isinstance(node, list):
        return [v for child in node for v in _enums(child)]
    return []


def _values(field: str) -> list[str]:
    props = PROFILE_SCHEMA["properties"]
    if field in ("her2", "kras"):
        return _enums(PROFILE_SCHEMA["$defs"]["Biomarkers"]["properties"][field])
    return _enums(props[field])


FIELDS = ["stage", "recurrence", "metastasis_extent", "her2", "kras", "metastases",
          "progressed_on", "cannot_have", "prior_treatments", "symptoms", "planned",
          "used_for_my_cancer"]  # fmt: skip
LISTS = {"metastases", "progressed_on", "cannot_have", "prior_treatments", "symptoms", "planned",
         "used_for_my_cancer"}  # fmt: skip


def _profile(field: str, value: str) -> dict[str, object]:
    if field in ("her2", "kras"):
        return {"cancer": "rectum", "biomarkers": {field: value}}
    return {"cancer": "rectum", field: [value] if field in LISTS else value}


@pytest.mark.parametrize("field", FIELDS)
def test_every_word_the_schema_lists_is_read_by_the_command(field: str) -> None:
    values = _values(field)
    assert values, field
    for value in values:
        assert _command_accepts(_profile(field, value)), (field, value)
    for value in values[:: max(1, len(values) // 10)]:  # and the schema itself takes them
        assert _schema_accepts(_profile(field, value)), (field, value)


def test_every_name_and_alias_the_command_reads_is_in_the_schema() -> None:
    """Every name, alias and id of every value of a list field (the command reads each, in any
    case) is listed by the schema (as written, and in lower case)."""
    kb = KB
    for field in LISTS:
        listed = set(_values(field))
        for value in kb.vocabulary.known(field):
            record = kb.by_id.get(value)
            names = [value, *(record.names() if hasattr(record, "names") else [])]  # type: ignore[union-attr]
            for name in names:
                assert name in listed or name.lower() in listed, (field, name)
                assert _command_accepts(_profile(field, name)), (field, name)


@pytest.mark.parametrize("field", FIELDS)
def test_purple_is_refused_by_both(field: str) -> None:
    profile = _profile(field, "purple")
    assert not _schema_accepts(profile) and not _command_accepts(profile)


def test_an_unknown_field_is_refused_by_both() -> None:
    profile = {"cancer": "rectum", "colour": "purple"}
    assert not _schema_accepts(profile) and not _command_accepts(profile)
    kept = {"cancer": "rectum", "id": "p1", "label": "x", "$schema": "profile.schema.json"}
    assert _schema_accepts(kept) and _command_accepts(kept)


def test_the_accepted_words_in_the_profile_doc_are_current() -> None:
    from onconav.cli import WORDS_BEGIN, WORDS_END
    from onconav.schemas import accepted_words_markdown

    doc = (ROOT / "docs" / "profile.md").read_text(encoding="utf-8")
    block = doc.split(WORDS_BEGIN, 1)[1].split(WORDS_END, 1)[0]
    assert block == "\n" + accepted_words_markdown(load_kb()), "run `make schema`"


def test_every_spelling_is_read_as_its_value() -> None:
    from onconav import words

    readers = {"stage": lambda v: words.stage(v).value or "",
               "recurrence": lambda v: words.choice(v, "recurrence"),
               "metastasis_extent": lambda v: words.choice(v, "metastasis_extent"),
               "her2": words.her2, "kras": words.kras}  # fmt: skip
    wide = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
    for field, by_value in words.SPELLINGS.items():
        for value, spellings in by_value.items():
            for spelling in spellings:
                assert readers[field](spelling) == value, (field, spelling)
                # in full-width forms, as a phone's Japanese or Chinese keyboard types them
                # ("４" had been refused as a stage, while "ｓｔｏｍａｃｈ" was read)
                assert readers[field](spelling.translate(wide)) == value, (field, spelling)
                # a footnote's mark after it is left out, as it was before full-width forms
                # were read (NFKC alone made "Stage IV¹" stage "IV1", refused)
                assert readers[field](spelling + "\u00b9") == value, (field, spelling)


@settings(max_examples=100, deadline=None)
@given(word=st.sampled_from(["yes", "no", "y", "n", "true", "false", "on", "off", "t", "f", "1",
                             "0", "maybe", "yess", "unknown", "Not tested", "n/a"]),
       upper=st.lists(st.booleans(), min_size=12, max_size=12),
       before=st.sampled_from(["", " ", "  "]), after=st.sampled_from(["", " ", "\t"]),
       field=st.sampled_from(["resectable", "most_treatments_tried", "wants_cancer_treatment",
                              "chemo_for_spread", "hormone_sensitive", "weak_bone",
                              "tumour_on_nerve", "tumour_may_block"]))  # fmt: skip
def test_a_yes_or_no_is_taken_alike_by_the_schema_and_the_command(
    word: str, upper: list[bool], before: str, after: str, field: str
) -> None:
    """A yes/no answer in any case, with spaces around it (" Yes ", as a form or a spreadsheet
    gives it), or a word for not known: the schema and the command agree on it."""
    cased = "".join(c.upper() if up else c for c, up in zip(word, upper, strict=False))
    profile = {"cancer": "rectum", field: before + cased + after}
    assert _schema_accepts(profile) == _command_accepts(profile), profile


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("said", ["UNKNOWN", " Not  tested ", "N/A", "n.a.", "", "  ", "Null"])
def test_a_word_for_not_known_is_taken_by_the_schema_and_the_command(field: str, said: str) -> None:
    profile = _profile(field, said)
    assert _schema_accepts(profile) and _command_accepts(profile), profile



@pytest.mark.parametrize("field", ["prior_treatments", "planned", "progressed_on", "cannot_have",
                                   "symptoms", "metastases"])  # fmt: skip
def test_every_word_listed_for_a_value_is_read_as_that_value(field: str) -> None:
    """`onconav kb words` and docs/profile.md list each word under the value a profile reads it
    as: brachytherapy and EBRT had lines of their own while a profile reads them as radiation."""
    from onconav import parse_profile

    kb = load_kb()
    listed = accepted_words(kb, field)
    if field in ("prior_treatments", "planned"):
        assert {"brachytherapy", "EBRT"} <= set(listed["radiation"])
    for value, names in listed.items():
        for name in names:
            read = getattr(parse_profile({"cancer": "cervix", field: [name]}, kb), field)
            assert value in read, (field, name, value, read)
