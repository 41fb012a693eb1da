"""Population screening: a line of the input that cannot be read as a row at all (an NDJSON line
that is not JSON or not a JSON object, a CSV row with more or fewer values than the header, a
quote not closed) is quarantined with its row number and the reason, and the run goes on: every
other row is answered as in the same file without the bad lines, by every engine."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import Run
from onconav.cohort import run, table
from onconav.cohort.reasons import reason as reason_of
from onconav.cohort.table import EMPTY_ROW, NOT_UNICODE, CohortError, connect, load
from onconav.engine import evaluate
from onconav.kb import load_kb
from onconav.profile import SET_FIELDS, ProfileError, parse_profile, split_list

KB = load_kb()
ENGINES = ("duckdb", "python")
Answers = set[tuple[str, str, str, str, tuple[str, ...], bool]]

PEOPLE: list[dict[str, Any]] = [
    {"patient_id": "a", "cancer": "stomach", "stage": "4", "her2": "positive"},
    {"patient_id": "b", "cancer": "rectum", "stage": "IV", "kras": "G12D",
     "symptoms": ["bleeding"]},
    {"patient_id": "c", "cancer": "cervix", "stage": "9"},
    {"patient_id": "d", "cancer": "rectum", "progressed_on": ["FOLFOX", "FOLFIRI"]},
    # patient a again, the same facts as read in other words: a copy, only the first row read
    {"patient_id": "a", "cancer": "gastric cancer", "stage": "IV", "her2": "HER2 3+"},
]  # fmt: skip


def answers(path: Path) -> Answers:
    con = duckdb.connect()
    found = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    con.close()
    return {(p, o, s, b, tuple(m), e) for p, o, s, b, m, e in found}


def quarantined(path: Path) -> list[tuple[int, str | None, str]]:
    con = duckdb.connect()
    found = con.execute(f"SELECT row, patient_id, reason FROM read_csv('{path}', header=true, "
                        "all_varchar=true) ORDER BY row::BIGINT").fetchall()  # fmt: skip
    con.close()
    return [(int(r), p, str(reason)) for r, p, reason in found]


def clean(tmp_path: Path, engine: str = "duckdb") -> Answers:
    """The answers for ``PEOPLE`` given as a file with no bad line."""
    source = tmp_path / "clean.ndjson"
    source.write_text("".join(json.dumps(p) + "\n" for p in PEOPLE))
    done = run(KB, source, tmp_path / f"clean-{engine}.parquet", engine=engine)
    assert (done.loaded.rows, done.loaded.answered) == (5, 3)
    return answers(tmp_path / f"clean-{engine}.parquet")


def test_an_ndjson_line_that_is_not_a_json_object_is_quarantined(tmp_path: Path) -> None:
    a, b, c, d, again = (json.dumps(p) for p in PEOPLE)
    lines = [a, '{"patient_id": "x", "cancer": ', b, "", "[1, 2]", "42", c, "   ", "null",
             '"rectum"', d, "not json at all", again]  # fmt: skip
    source = tmp_path / "people.ndjson"
    source.write_text("\n".join(lines) + "\n")
    expected = [
        (2, None, "line 2: not JSON (Expecting value at column 30)"),
        (4, None, "line 5: not a JSON object (an array)"),
        (5, None, "line 6: not a JSON object (a number)"),
        (6, "c", "stage: '9' is not accepted"),
        (7, None, "line 9: not a JSON object (null)"),
        (8, None, "line 10: not a JSON object (a string)"),
        (10, None, "line 12: not JSON (Expecting value at column 1)"),
        (11, "a", "patient_id: the same as row 1"),
    ]
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        # blank lines (4 and 8) are not rows: 13 lines, 11 rows, 3 answered
        assert (done.loaded.rows, done.loaded.answered, done.loaded.quarantined) == (11, 3, 8)
        assert done.summary["rows"] == 11 and done.summary["quarantined"] == 8
        bad = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert [(r, p) for r, p, _ in bad] == [(r, p) for r, p, _ in expected], engine
        for (_, _, reason), (_, _, start) in zip(bad, expected, strict=True):
            assert reason.startswith(start), (engine, reason)
        assert answers(tmp_path / f"{engine}.parquet") == clean(tmp_path, engine)


def test_an_ndjson_line_nested_too_deeply_is_quarantined(tmp_path: Path) -> None:
    """A line of JSON 5,000 levels deep, which Python's reader cannot read, is quarantined and
    the run goes on, by every engine (it stopped with a traceback, RecursionError)."""
    source = tmp_path / "people.ndjson"
    source.write_text('{"patient_id": "a", "cancer": "stomach"}\n{"patient_id": "b", "x": '
                      + "[" * 5000 + "]" * 5000 + "}\n")  # fmt: skip
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (2, 1), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [
            (2, None, "line 2: JSON nested too deeply to be read (a row is an object of values "
                      "and lists)")], engine  # fmt: skip


def test_ndjson_lines_read_one_at_a_time_say_what_each_is(tmp_path: Path) -> None:
    """The lines of a file with a bad line are read one at a time, as JSON says (NaN is not
    JSON), each kind of value named."""
    a = json.dumps(PEOPLE[0])
    lines = [a, '{"patient_id": "n", "cancer": "rectum", "stage": NaN}', "true", "1.5", "{}"]
    source = tmp_path / "people.ndjson"
    source.write_text("\n".join(lines))  # no newline after the last line
    done = run(KB, source, tmp_path / "out.parquet")
    assert (done.loaded.rows, done.loaded.quarantined) == (5, 4)
    assert quarantined(tmp_path / "out.quarantine.csv") == [
        (2, None, "line 2: is not valid JSON: NaN is no JSON value (JSON has no NaN or "
                  "Infinity)"),
        (3, None, "line 3: not a JSON object (true or false)"),
        (4, None, "line 4: not a JSON object (a number)"),
        (5, None, EMPTY_ROW),
    ]


def test_a_list_item_that_is_not_text_is_refused_as_a_profile_refuses_it(tmp_path: Path) -> None:
    """A list in a list, a number or true as an item of a list: refused by every engine with
    the words ``parse_profile`` gives, never read as the text of it ("[pain]" is pain)."""
    given = [(["pain"],), (1,), (True,), ("pain", ["bleeding"])]
    lines = [{"patient_id": f"p{i}", "cancer": "rectum", "symptoms": list(items)}
             for i, items in enumerate(given)]  # fmt: skip
    lines.append({"patient_id": "ok", "cancer": "rectum", "symptoms": ["pain"]})
    expected = []
    for i, items in enumerate(given, 1):
        with pytest.raises(ProfileError) as refused:
            parse_profile({"cancer": "rectum", "symptoms": list(items)}, KB)
        expected.append((i, f"p{i - 1}", "; ".join(reason_of(p) for p in refused.value.problems)))
    plain = {"patient_id": "ok", "cancer": "rectum"}
    for name, rows, want in (
        ("mixed", lines, expected),  # each a JSON value in DuckDB
        ("nested", [lines[0], lines[3], lines[4]], [expected[0], (2, "p3", expected[3][2])]),
        ("typed", [lines[0], plain], [expected[0]]),  # a list of lists of text in DuckDB
    ):
        source = tmp_path / f"{name}.ndjson"
        source.write_text("".join(json.dumps(line) + "\n" for line in rows))
        for engine in ("duckdb", "python"):
            done = run(KB, source, tmp_path / f"{name}-{engine}.parquet", engine=engine)
            assert done.loaded.answered == 1, (name, engine)
            assert quarantined(tmp_path / f"{name}-{engine}.quarantine.csv") == want, engine


def _refused(person: dict[str, Any]) -> str | None:
    """What ``onconav options`` says of one person's JSON, in the cohort's words (``reason_of``:
    her2, not biomarkers.her2); None: it is read."""
    data = {k: v for k, v in person.items() if k not in ("patient_id", "her2", "kras")}
    markers = {k: person[k] for k in ("her2", "kras") if k in person}
    try:
        parse_profile({**data, "biomarkers": markers} if markers else data, KB)
    except ProfileError as error:
        return "; ".join(reason_of(p) for p in error.problems)
    return None


def test_a_value_that_is_not_text_is_read_as_the_value_it_is(tmp_path: Path) -> None:
    """A value that is not text (an object, a list where one value is expected, a number, a
    Parquet struct) is read as ``onconav options`` reads the same JSON, by every engine and
    whether or not the file's other rows give the column as text: HER2 given as
    {"result": "positive"} is refused, never read as the text of it (which says positive, and
    was answered HER2-positive); a number the core takes (stage 4.0, hormone_sensitive 0.0) is
    read."""
    people: list[dict[str, Any]] = [
        {"patient_id": "a", "cancer": "stomach", "stage": "4", "her2": {"result": "positive"}},
        {"patient_id": "b", "cancer": {"name": "stomach"}, "stage": "IV"},
        {"patient_id": "c", "cancer": "rectum", "stage": [4]},
        {"patient_id": "d", "cancer": "prostate", "stage": 4.0, "hormone_sensitive": 0.0},
        {"patient_id": "e", "cancer": "stomach", "stage": "4", "her2": ["positive"]},
        {"patient_id": "f", "cancer": "stomach", "stage": "4", "her2": "positive"},
    ]
    expected = [(i, p["patient_id"], _refused(p)) for i, p in enumerate(people, 1)]
    assert [p for _, p, r in expected if r is not None] == ["a", "b", "c"]
    files = {"mixed.ndjson": people}  # one JSON column per fact, each value as JSON says
    files.update({f"{p['patient_id']}.ndjson": [p] for p in people})  # typed: a struct, ...
    for name, rows in files.items():
        source = tmp_path / name
        source.write_text("".join(json.dumps(p) + "\n" for p in rows))
        sources = [source]
        if name != "mixed.ndjson":  # the same, typed, as Parquet
            sources.append(tmp_path / name.replace(".ndjson", ".parquet"))
            with duckdb.connect() as con:
                con.execute(f"COPY (SELECT * FROM read_json('{source}')) TO '{sources[1]}' "
                            "(FORMAT parquet)")  # fmt: skip
        want = [e for e in expected if e[1] in {p["patient_id"] for p in rows}]
        want = [(i + 1, p, r) for i, (_, p, r) in enumerate(want)]
        for path in sources:  # the python engine on the mixed file (it reads the same marks)
            for engine in ENGINES if name == "mixed.ndjson" else ("duckdb",):
                out = tmp_path / f"{path.name}-{engine}.parquet"
                done = run(KB, path, out, engine=engine)
                bad = quarantined(tmp_path / f"{path.name}-{engine}.quarantine.csv")
                assert bad == [w for w in want if w[2] is not None], (path.name, engine)
                assert done.loaded.answered == len(want) - len(bad)


# a list field's value as JSON gives it: no list and no text (an object, true, a number), a
# list, text
LIST_VALUES = st.recursive(
    st.one_of(st.booleans(), st.integers(-9, 99), st.floats(-9, 9),
              st.sampled_from(["pain", "bleeding", "xq", "none", "liver; lung"])),
    lambda inner: st.one_of(st.lists(inner, min_size=1, max_size=3),
                            st.dictionaries(st.sampled_from(["liver", "a"]), inner, min_size=1,
                                            max_size=2)),
    max_leaves=4)  # fmt: skip


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(field=st.sampled_from(SET_FIELDS), values=st.lists(LIST_VALUES, min_size=1, max_size=4))
def test_a_list_fields_value_is_refused_in_the_words_of_onconav_options(
    tmp_path: Path, field: str, values: list[Any]
) -> None:
    """An NDJSON row's list field given an object, true or a number was quarantined as the item
    ``metastases[0]: ... give a name``, an item the row does not have, while ``onconav options``
    and the API say ``metastases: ... give a list of names``: each row's reason is the core's
    for the same value, by every engine, whatever the other rows give."""
    people = [{"patient_id": f"p{i}", "cancer": "rectum", field: v} for i, v in enumerate(values)]
    source = tmp_path / "people.ndjson"
    source.write_text("".join(json.dumps(p) + "\n" for p in people))
    expected = [(i, p["patient_id"], why) for i, p in enumerate(people, 1)
                if (why := _refused(p)) is not None]  # fmt: skip
    for engine in ENGINES:
        run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == expected, engine


def test_a_list_item_of_text_with_the_mark_of_no_list_is_text(tmp_path: Path) -> None:
    """The mark of a value that is no list (``table.NOT_A_LIST``, \\x03) at the start of a
    list's one item of text is text, refused as ``onconav options`` refuses it, never read as
    the JSON after it."""
    people = [{"patient_id": "a", "cancer": "rectum", "metastases": ['\x03{"a": 1}']},
              {"patient_id": "b", "cancer": "rectum", "symptoms": ["\x03true"]}]
    source = tmp_path / "people.ndjson"
    source.write_text("".join(json.dumps(p) + "\n" for p in people))
    expected = [(i, p["patient_id"], _refused(p)) for i, p in enumerate(people, 1)]
    assert all(why and "control character" in why for _, _, why in expected), expected
    for engine in ENGINES:
        run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == expected, engine


@pytest.mark.parametrize("value", [{"liver": True}, True, 5])
def test_a_parquet_list_column_of_no_list_is_refused_as_onconav_options_refuses_it(
    tmp_path: Path, value: object
) -> None:
    """A Parquet column of a list field typed a struct, true or false, or a number: each value
    refused as ``onconav options`` refuses it in JSON ("metastases: ... give a list of names"),
    not as an item of the list."""
    person = {"patient_id": "a", "cancer": "rectum", "metastases": value}
    why = _refused(person)
    assert why is not None and why.startswith("metastases: "), why
    source = tmp_path / "a.ndjson"
    source.write_text(json.dumps(person) + "\n")
    parquet = tmp_path / "a.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_json('{source}')) TO '{parquet}' (FORMAT parquet)")
    for engine in ENGINES:
        run(KB, parquet, tmp_path / f"{engine}.parquet", engine=engine)
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [(1, "a", why)], engine


def test_a_csv_of_numbers_with_blanks_is_read_as_the_numbers_it_holds(tmp_path: Path) -> None:
    """A stage column with a blank in it, written out by pandas or a spreadsheet, is "4.0" in a
    CSV: read as stage 4, as the same column in Parquet is (it had quarantined every row with a
    stage); "4.5" is still refused. A yes/no column so written ("1.0") is read as yes."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,her2,resectable\na,stomach,4.0,3.0,\n"
                      "b,stomach,,,\nc,rectum,4.00,,1.0\nd,stomach,4.5,,\n")  # fmt: skip
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        done = run(KB, source, out, engine=engine)
        bad = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert [(row, who) for row, who, _ in bad] == [(4, "d")], engine
        assert done.loaded.answered == 3
        found = answers(out)
        for who, person in (
                ("a", {"cancer": "stomach", "stage": 4, "her2": 3}),
                ("c", {"cancer": "rectum", "stage": 4, "resectable": True})):  # fmt: skip
            answer = evaluate(parse_profile(person, KB), KB)
            assert {(o.id, o.status) for o in answer.options} == \
                {(o, s) for p, o, s, *_ in found if p == who}  # fmt: skip


def _read_alone_and_together(tmp_path: Path, rows: list[dict[str, Any]]) -> None:
    """Each row is read (its facts, or its reasons in the quarantine) as it is in a file of its
    own: what a value is read as never depends on the types of the other rows' values."""

    def read(name: str, people: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
        source = tmp_path / name
        source.write_text("".join(json.dumps(p) + "\n" for p in people))
        with connect() as con:
            load(con, source, "ndjson", KB)
            facts = con.execute("SELECT * EXCLUDE (_row) FROM facts").fetchall()
            bad = con.execute("SELECT patient_id, reason FROM quarantine").fetchall()
        return {str(f[0]): f[1:] for f in facts} | {str(p): (reason,) for p, reason in bad}

    together = read("together.ndjson", rows)
    for i, row in enumerate(rows):
        alone = read(f"alone-{i}.ndjson", [row])
        assert alone == {row["patient_id"]: together[row["patient_id"]]}, row


def test_text_in_a_list_column_is_read_whatever_the_other_rows_give(tmp_path: Path) -> None:
    """NDJSON text where a list is expected is ``;``-separated, as in CSV and Parquet, also when
    another row gives a list: 'bleeding; pain' was read as two symptoms in a file where every
    row gave text, and refused as one unknown symptom in a file where one row gave a list."""
    _read_alone_and_together(tmp_path, [
        {"patient_id": "a", "cancer": "rectum", "symptoms": "bleeding; pain"},
        {"patient_id": "b", "cancer": "rectum", "symptoms": ["bleeding"]},
        {"patient_id": "c", "cancer": "rectum", "symptoms": ""},
        {"patient_id": "d", "cancer": "rectum", "symptoms": " "},
        {"patient_id": "e", "cancer": "rectum", "symptoms": None},
    ])  # fmt: skip


VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "pain", "bleeding; pain", "no-such-word", "none", "4", "IV"]),
    st.integers(-1, 5),
    st.booleans(),
    st.lists(st.sampled_from(["pain", "bleeding", "none", "x"]), max_size=2),
    st.fixed_dictionaries({"result": st.sampled_from(["positive", "pain"])}),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(rows=st.lists(st.fixed_dictionaries({
    "cancer": st.sampled_from(["rectum", "stomach", "prostate"]), "stage": VALUES,
    "symptoms": VALUES, "her2": VALUES, "hormone_sensitive": VALUES}), min_size=1, max_size=3))
def test_a_row_is_read_as_in_a_file_of_its_own(tmp_path: Path, rows: list[dict[str, Any]]) -> None:
    """Whatever the values and their JSON types, each row of an NDJSON file is read as it is
    alone (the columns of a file whose rows differ are typed JSON by DuckDB, of one whose rows
    agree VARCHAR, BIGINT, a struct, a list, ...)."""
    people = [{"patient_id": f"p{i}", **{k: v for k, v in r.items() if v is not None}}
              for i, r in enumerate(rows)]  # fmt: skip
    _read_alone_and_together(tmp_path, people)


def _fate(source: Path, fmt: str, row: int) -> tuple[Any, ...]:
    """What became of one row of a file: its facts if it is answered, else its reason."""
    with connect() as con:
        load(con, source, fmt, KB)
        facts = con.execute("SELECT * EXCLUDE (_row) FROM facts WHERE _row = ?", [row]).fetchall()
        bad = con.execute("SELECT reason FROM quarantine WHERE row = ?", [row]).fetchall()
    assert len(facts) + len(bad) == 1
    return ("answered", *facts[0]) if facts else ("quarantined", bad[0][0])


def _same_fate_beside_a_bad_row(tmp_path: Path, fmt: str, row: str) -> None:
    """A row (the second of its file) is answered, or quarantined for the same reason, alone
    and beside a row that cannot be read at all (after it, so that its line is the same)."""
    first, bad, head = (("A,stomach,4", "B,x,y,z,w", "patient_id,cancer,stage\n") if fmt == "csv"
                        else ('{"patient_id": "A", "cancer": "stomach"}', "[1]", ""))  # fmt: skip
    alone, beside = tmp_path / f"alone.{fmt}", tmp_path / f"beside.{fmt}"
    alone.write_text(f"{head}{first}\n{row}\n", newline="")
    beside.write_text(f"{head}{first}\n{row}\n{bad}\n", newline="")
    assert _fate(alone, fmt, 2) == _fate(beside, fmt, 2), row


TRICKY_CSV = [
    'C,"stomach" ,4', 'C, "stomach",4', 'C,  "stomach",4', ' "C",stomach,4', 'C,"stomach",4',
    'C,"sto""mach",4', 'C,sto"mach,4', 'C,"sto"mach,4', 'C,"stomach"x,4', "C,stomach,4,",
    "C,stomach,4,,", "C,stomach,4\r", 'C,"stomach"\t,4', 'C,\t"stomach",4', 'C,"stom\nach",4',
    "C,stomach", 'C,stomach, "4,x"', 'C,"stomach,4', "C, stomach , 4 ", "C,stomach,4,x", " , , ",
]
TRICKY_NDJSON = [
    '{"patient_id": "C", "cancer": "stomach",}', '{"patient_id": "C", "cancer": "stomach" , }',
    '{"patient_id": "C", "cancer": "stomach", "symptoms": ["pain",]}',
    '{"patient_id": "C", "cancer": "stomach", "stage": NaN}',
    '{"patient_id": "C", "cancer": "stomach", "stage": -Infinity}',
    '{"patient_id": "C", "cancer": "stomach", "stage": inf}',
    '{"patient_id": -0, "cancer": "stomach"}', '{"patient_id": 0, "cancer": "stomach"}',
    '{"patient_id": 1E400, "cancer": "stomach"}', '{"patient_id": 2.50, "cancer": "stomach"}',
    '{"patient_id": "C", "cancer": "stomach", "stage": 4.0}',
    '{"patient_id": "C", "cancer": "stomach\\ud800"}', '{"patient_id": "C", "cancer": "a,}"}',
    '{"patient_id": "C", "Cancer": "stomach"}', '{"patient_id": "C", "cancer": "stomach"} x',
    '{"patient_id": "C", "cancer": "stomach", "cancer": "rectum"}', "{}",
]


@pytest.mark.parametrize(("fmt", "row"), [("csv", r) for r in TRICKY_CSV]
                         + [("ndjson", r) for r in TRICKY_NDJSON])  # fmt: skip
def test_a_rows_fate_does_not_depend_on_the_other_rows(tmp_path: Path, fmt: str, row: str) -> None:
    """A row is read by one rule, Python's strict readers (CSV, RFC 4180; JSON), whether its
    file is read by DuckDB (no bad row) or line by line (a bad row): DuckDB's laxer readers
    answered ``C,"stomach" ,4`` and a trailing comma in NDJSON in a clean file, and the same
    rows were quarantined beside a bad one; ids -0 and 0 were one patient in a clean file."""
    _same_fate_beside_a_bad_row(tmp_path, fmt, row)


CSV_PIECES = st.sampled_from(["stomach", "4", "", " ", '"', '""', '"stomach"', ' "stomach"',
                              '"stomach" ', '"a,b"', 'a"b', '"a""b"', '"a\nb"', "\t", ","])
JSON_PIECES = st.sampled_from(['"stomach"', '"4"', "4", "-0", "0", "NaN", "1e3", "2.50", "null",
                               '["pain",]', '["pain"]', "[]", '"a,}"', '"\\ud800"', "true"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(fmt=st.sampled_from(["csv", "ndjson"]), values=st.lists(st.tuples(
    st.sampled_from(["patient_id", "cancer", "stage"]), st.one_of(CSV_PIECES, JSON_PIECES)),
    min_size=1, max_size=4), trailing=st.sampled_from(["", ",", " ,"]))  # fmt: skip
def test_any_rows_fate_does_not_depend_on_the_other_rows(
    tmp_path: Path, fmt: str, values: list[tuple[str, str]], trailing: str
) -> None:
    """Any row of pieces a file may hold, well-formed or not, has one fate alone and beside a
    row that cannot be read."""
    if fmt == "csv":
        row = ",".join(v for _, v in values) + trailing
    else:
        row = "{" + ", ".join(f'"{k}": {v}' for k, v in values) + trailing + "}"
    _same_fate_beside_a_bad_row(tmp_path, fmt, row)


def test_a_csv_row_with_more_or_fewer_values_or_an_open_quote_is_quarantined(
    tmp_path: Path,
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "patient_id,cancer,stage,her2,kras,symptoms,progressed_on\n"
        "a,stomach,4,positive,,,\n"
        "x,rectum,4,,,bleeding,FOLFOX,extra\n"  # row 2: 8 values
        'b,"rectum",IV,,G12D,"bleeding",\n'
        "y,rectum\n"  # row 4: 2 values
        "\n"  # a blank line is not a row
        "c,cervix,9,,,,\n"
        'd,rectum,,,,,"FOLFOX; FOLFIRI"\n'
        "a,gastric cancer,Stage IV,positive,,,\n"  # a copy of row 1, as read
        'z,"rectum,4,,,,\n'  # row 8: the quote is never closed
        "w,rectum,4,,,,\n"
    )
    expected = [
        (2, "x", "line 3: 8 values, the header has 7"),
        (4, "y", "line 5: 2 values, the header has 7"),
        (5, "c", "stage: '9' is not accepted"),
        (7, "a", "patient_id: the same as row 1"),
        (8, "z", "line 10: a quoted value is not closed before the end of the file"),
    ]
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered, done.loaded.quarantined) == (8, 3, 5)
        bad = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert [(r, p) for r, p, _ in bad] == [(r, p) for r, p, _ in expected], engine
        for (_, _, reason), (_, _, start) in zip(bad, expected, strict=True):
            assert reason.startswith(start), (engine, reason)
        assert answers(tmp_path / f"{engine}.parquet") == clean(tmp_path, engine)


def test_a_row_with_no_value_is_quarantined_as_empty(tmp_path: Path) -> None:
    """A row with no value in any column (a spreadsheet's row of commas, spaces in its cells,
    too few commas; an NDJSON {} or nulls) is no person: quarantined as that, by every engine
    (it was 'patient_id: missing; cancer: is required'), and counted in the rows read. A row
    with a value left is read as any row."""
    csv_text = ("patient_id,cancer,stage\n"
                "a,stomach,4\n"
                ",,\n"
                " , ,  \n"
                ",\n"  # too few values, all empty
                ",,4\n"  # a value: a row with no patient_id and no cancer
                "b,rectum,4\n")  # fmt: skip
    ndjson_text = "".join(json.dumps(r) + "\n" for r in [
        {"patient_id": "a", "cancer": "stomach", "stage": "4"}, {},
        {"patient_id": " ", "stage": None}, {"symptoms": []},  # a value: no symptoms
        {"stage": "4"}, {"patient_id": "b", "cancer": "rectum", "stage": "4"}])  # fmt: skip
    for name, text, empty in (("people.csv", csv_text, [(2, EMPTY_ROW), (3, EMPTY_ROW),
                                                        (4, "line 5: " + EMPTY_ROW)]),
                              ("people.ndjson", ndjson_text, [(2, EMPTY_ROW),
                                                              (3, EMPTY_ROW)])):  # fmt: skip
        source = tmp_path / name
        source.write_text(text)
        for engine in ENGINES:
            done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
            bad = quarantined(tmp_path / f"{engine}.quarantine.csv")
            found = [(r, why) for r, _, why in bad if EMPTY_ROW in why]
            assert found == empty, (name, engine, bad)
            assert (done.loaded.answered, done.loaded.quarantined) == (2, len(bad))
            assert done.loaded.rows == len(text.splitlines()) - (name == "people.csv")
            others = [why for _, _, why in bad if EMPTY_ROW not in why]
            assert others and all(w.startswith("patient_id: missing") for w in others), others


def test_a_csv_value_over_two_lines_and_a_blank_line_are_read(tmp_path: Path) -> None:
    """A quoted value may hold a line break and lines may end in CRLF: no row is bad; the
    blank line is not a row (DuckDB's own reader stops at such a file: it is read again)."""
    source = tmp_path / "people.csv"
    source.write_bytes(b"patient_id,cancer,stage\r\na,stomach,4\r\n\r\n"
                       b'b,"rectum\n",IV\nc,rectum,4\n')  # fmt: skip
    con = connect()
    loaded = load(con, source, "csv", KB)
    assert (loaded.rows, loaded.answered, loaded.quarantined) == (3, 3, 0)
    rows = con.execute("SELECT _row, person_id, cancer FROM facts ORDER BY _row").fetchall()
    assert rows == [(1, "a", "stomach"), (2, "b", "rectum"), (3, "c", "rectum")]
    con.close()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("not json\n[1]\n", "p.ndjson", "INPUT: cannot be read as ndjson: no line is a JSON"),
        ("patient_id,cancer,cancer\n1,rectum,rectum\n", "p.csv", "column 'cancer' is given twice"),
        ('"patient_id,cancer\n1,rectum\n', "p.csv", "INPUT: cannot be read as csv"),
        # DuckDB reads both with a column 'json' that the file does not have: it was named
        ("\n\n  \n", "p.ndjson", "INPUT: '.*p.ndjson' has only blank lines; it needs rows"),
        ("{}\n{}\n", "p.ndjson", "INPUT: has no patient_id column"),
        # DuckDB's words were 'Binder Error: Positional argument ...'
        ("patient_id,cancer,\n1,rectum,\n2,rectum,x\n", "p.csv", "INPUT: column 3 has no "
         "name, and holds values \\(line 3 is the first with one\\); name it by its fact "
         "\\(patient_id, cancer, stage, ...\\), or remove it$"),
        # pandas' to_csv writes its index so (index=True): said as such
        (",patient_id,cancer\n0,1,rectum\n", "p.csv", "INPUT: column 1 has no name, and holds "
         "values \\(line 2 is the first with one\\); name it by its fact \\(patient_id, cancer, "
         "stage, ...\\), or remove it \\(a first column with no name is the index pandas' "
         "to_csv writes: write the file with index=False\\)$"),
        # a row's keys are its own: this row is quarantined, and no other can be read
        ('{"patient_id": "a", " ": 1}\n', "p.ndjson", "INPUT: cannot be read as ndjson: no row "
         "can be read; line 1: a key has no name \\(' '\\); name it by its fact"),
    ],
)
def test_a_file_with_no_row_that_can_be_read_still_stops(
    tmp_path: Path, content: str, name: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(content)
    with pytest.raises(CohortError, match=message):
        load(connect(), source, name.rsplit(".", 1)[1], KB)


EXCEL_EMPTY = ("patient_id,cancer,stage,,\r\nP1,rectum,4,,\r\nP2,stomach,IV, ,\r\n\r\n"
               "P3,,,,\r\nP4,stomach,4\r\n")  # fmt: skip


def test_columns_with_no_name_and_no_value_are_not_read_and_said(
    run_cli: Run, tmp_path: Path
) -> None:
    """Excel writes a sheet's empty columns after the last named one as a blank name and empty
    cells ('patient_id,cancer,stage,,'): they hold no data, and the file is read as without
    them, by every engine, said on stderr and in the summary (it had stopped the run: 'column 4
    has no name'). A row is still checked against the whole header (P4, one value short, is
    quarantined, never dropped); so is a column with no name placed anywhere."""
    source = tmp_path / "people.csv"
    source.write_bytes(EXCEL_EMPTY.encode())
    plain = tmp_path / "plain.csv"
    plain.write_text("patient_id,cancer,stage\nP1,rectum,4\nP2,stomach,IV\nP3,,\n")
    said = ("onconav: warning: INPUT: columns 4, 5 have no name and no value in any row (a "
            "spreadsheet's empty columns): not read")  # fmt: skip
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        done = run_cli("cohort", str(source), "--quiet", "--out", str(out), "--engine", engine)
        assert done.status == 0 and said in done.stderr.splitlines(), done.stderr
        summary = json.loads((tmp_path / f"{engine}.summary.json").read_text())
        assert summary["warnings"] == [said.removeprefix("onconav: warning: ")]
        bad = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert [(r, p) for r, p, _ in bad] == [(3, "P3"), (4, "P4")], engine
        assert bad[1][2] == "line 6: 3 values, the header has 5"
        run(KB, plain, tmp_path / f"plain-{engine}.parquet", engine=engine)
        assert answers(out) == answers(tmp_path / f"plain-{engine}.parquet"), engine
    middle = tmp_path / "middle.csv"
    middle.write_text("patient_id, ,cancer\nP1,,rectum\n")
    done = run_cli("cohort", str(middle), "--quiet")
    assert done.status == 0 and "INPUT: column 2 has no name and no value in any row (a " \
        "spreadsheet's empty column): not read" in done.stderr  # fmt: skip
    assert {p for p, *_ in answers(tmp_path / "middle.options.parquet")} == {"P1"}
    filled = tmp_path / "filled.csv"
    filled.write_text("patient_id,cancer,stage,,\nP1,rectum,4,,\nP2,stomach,4,,\"HER2 3+\"\n")
    done = run_cli("cohort", str(filled), "--quiet")
    assert done.status == 2 and "column 5 has no name, and holds values (line 3 is the first " \
        "with one)" in done.stderr and "HER2" not in done.stderr, done.stderr  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("name", ["people.csv", "people.ndjson"])
def test_a_file_of_utf16_text_is_said_to_be(run_cli: Run, tmp_path: Path, name: str,
                                            encoding: str) -> None:  # fmt: skip
    """A CSV or NDJSON file in UTF-16 (Excel's "Unicode Text", PowerShell's ``>``) or UTF-32,
    with its byte order mark, stops the run naming its encoding: CSV had been "line 1 is not
    UTF-8 text (byte 1)", NDJSON "no line is a JSON object"."""
    text = "patient_id,cancer\r\nP1,rectum\r\n" if name.endswith(".csv") else \
        '{"patient_id": "P1", "cancer": "rectum"}\r\n'  # fmt: skip
    source = tmp_path / name
    mark = {"utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    source.write_bytes(mark + text.encode(encoding))
    done = run_cli("cohort", str(source), "--quiet")
    wide = encoding[:6].upper()
    said = (f"onconav: error: INPUT: cannot be read as {name.split('.')[1]}: the file is {wide} "
            f"text (it starts with {wide}'s byte order mark), not UTF-8; save the file as UTF-8")
    assert done.status == 2 and done.stderr.startswith(said), done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_the_command_goes_on_past_a_bad_line(run_cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "people.jsonl"
    source.write_text(json.dumps(PEOPLE[0]) + "\n{oops\n" + json.dumps(PEOPLE[1]) + "\n")
    done = run_cli("cohort", str(source), "--quiet", "--out", str(tmp_path / "out.parquet"))
    assert done.status == 0, done.stderr
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert (summary["rows"], summary["answered"], summary["quarantined"]) == (3, 2, 1)
    assert quarantined(tmp_path / "out.quarantine.csv") == [
        (2, None, "line 2: not JSON (Expecting property name enclosed in double quotes at "
                  "column 2)")]


@pytest.fixture
def run_cli(run: Run) -> Run:
    return run


def test_spark_quarantines_the_same_lines(tmp_path: Path, spark_stopped: None) -> None:
    """Spark answers as DuckDB, its --out in a folder whose name Spark (Hadoop) reads as a
    pattern ('[1]', '{a}': it stopped with a traceback, PATH_NOT_FOUND)."""
    source = tmp_path / "people.ndjson"
    lines = [json.dumps(PEOPLE[0]), "[]", json.dumps(PEOPLE[1]), "{", *map(json.dumps, PEOPLE[2:])]
    source.write_text("\n".join(lines) + "\n")
    fast = run(KB, source, tmp_path / "duckdb.parquet")
    folder = tmp_path / "out [1]{a}*"
    folder.mkdir()
    spark = run(KB, source, folder / "spark.parquet", engine="spark", master="local[1]")
    assert spark.loaded == fast.loaded and (fast.loaded.rows, fast.loaded.quarantined) == (7, 4)
    assert quarantined(folder / "spark.quarantine.csv") == quarantined(
        tmp_path / "duckdb.quarantine.csv"
    )
    assert [r for r, _, _ in quarantined(folder / "spark.quarantine.csv")] == [2, 4, 5, 7]
    assert answers(folder / "spark.parquet") == answers(tmp_path / "duckdb.parquet")
    assert answers(tmp_path / "duckdb.parquet") == clean(tmp_path)


def test_spark_reads_float_ids_and_empty_unnamed_columns_as_the_others(
    tmp_path: Path, spark_stopped: None
) -> None:
    """One file of ids written as floats ('1.0', '1', '2.50', none) and Excel's empty columns
    with no name: Spark answers and quarantines it as DuckDB and the python engine do."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,,\n1.0,stomach,4,,\n2.0,rectum,4,,\n,stomach,4,,\n"
                      "1,stomach,4,,\n2.50,cervix,4B,,\n")  # fmt: skip
    found = {}
    for engine in ("duckdb", "python", "spark"):
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine,
                   master="local[1]" if engine == "spark" else None)
        assert done.loaded.warnings == ("INPUT: columns 4, 5 have no name and no value in any row "
                                        "(a spreadsheet's empty columns): not read",)  # fmt: skip
        found[engine] = (answers(tmp_path / f"{engine}.parquet"),
                         quarantined(tmp_path / f"{engine}.quarantine.csv"))  # fmt: skip
    assert {p for p, *_ in found["duckdb"][0]} == {"1", "2", "2.50"}
    assert found["duckdb"][1] == [(3, None, "patient_id: missing"),
                                  (4, "1", "patient_id: the same as row 1")]  # fmt: skip
    assert found["spark"] == found["duckdb"] == found["python"]


def test_an_error_of_spark_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception Spark raises while it runs the options' query (an AnalysisException, a
    Java error) is the cohort's error, one line (exit 2 on the command line), never a
    traceback; a path given to Spark's reads has Hadoop's pattern characters escaped. (Spark
    itself is not started: a session whose reads fail stands in for it.)"""
    from onconav.cohort import spark as spark_engine

    class Failing:
        class read:  # as PySpark names it
            @staticmethod
            def parquet(path: str) -> None:
                raise RuntimeError(f"[PATH_NOT_FOUND] Path does not exist: {path}.\nat ...")

    monkeypatch.setattr(spark_engine, "session", lambda log, master: Failing())
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer\na,rectum\n")
    with pytest.raises(CohortError) as refused:
        run(KB, source, tmp_path / "out.parquet", engine="spark")
    said = str(refused.value)
    assert said.startswith("--engine spark: Spark could not run the options' query: "
                           "[PATH_NOT_FOUND] Path does not exist: ") and "\n" not in said
    assert spark_engine.read_path(Path("/a [1]/b{c}*?/d")) == r"/a \[1\]/b\{c\}\*\?/d"


def test_a_parquet_column_named_as_duckdb_numbers_rows_is_not_a_fact(tmp_path: Path) -> None:
    """A row's number is DuckDB's ``file_row_number``: a column of that name is refused as any
    column that is not a fact, never taken for the number."""
    source = tmp_path / "people.parquet"
    con = duckdb.connect()
    con.execute("COPY (SELECT 'a' AS patient_id, 'rectum' AS cancer, 5 AS file_row_number) "
                f"TO '{source}' (FORMAT parquet)")  # fmt: skip
    con.close()
    with pytest.raises(CohortError, match="column 'file_row_number' is not a fact"):
        load(connect(), source, "parquet", KB)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_file_with_no_bad_row_or_no_row_at_all(tmp_path: Path, engine: str) -> None:
    """Every engine answers a file where no row is bad (no quarantine to fill) and one with a
    header and no row (no answer to read back)."""
    clean_file, header = tmp_path / "clean.csv", tmp_path / "header.csv"
    clean_file.write_text("patient_id,cancer,stage\na,stomach,4\nb,rectum,IV\n")
    header.write_text("patient_id,cancer,stage\n")
    done = run(KB, clean_file, tmp_path / f"clean-{engine}.parquet", engine=engine)
    assert (done.loaded.rows, done.loaded.answered, done.loaded.quarantined) == (2, 2, 0)
    assert {p for p, *_ in answers(tmp_path / f"clean-{engine}.parquet")} == {"a", "b"}
    done = run(KB, header, tmp_path / f"header-{engine}.parquet", engine=engine)
    assert (done.loaded.rows, done.loaded.answered, done.results) == (0, 0, 0)


def test_a_value_with_more_after_its_closing_quote_is_told_in_the_files_words(
    tmp_path: Path,
) -> None:
    """A spreadsheet's `"stomach" ,4` (a space after the closing quote) was quarantined in the
    words of Python's reader ("',' expected after '\"'") with no patient_id: the reason says what
    is wrong in the file's terms, and the patient_id is read from the line as it stands, by every
    engine."""
    source = tmp_path / "people.csv"
    source.write_text('patient_id,cancer,stage\nP1,"stomach" ,4\nP2,rectum,4\n')
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.answered, done.loaded.quarantined) == (1, 1)
        [(row, who, reason)] = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert (row, who) == (1, "P1"), engine
        assert reason.startswith("line 2: a quoted value has more after its closing quote"), reason
        assert "expected after" not in reason
    # a quote opening the patient_id and never closed: the line's other values are no id
    source.write_text('patient_id,cancer,stage\nP0,rectum,4\n"P1,stomach,4\nP2,rectum,4\n')
    done = run(KB, source, tmp_path / "open.parquet")
    assert quarantined(tmp_path / "open.quarantine.csv") == [
        (2, None, "line 3: a quoted value is not closed before the end of the file")
    ]


def test_a_csv_whose_every_row_is_bad_is_all_quarantined(tmp_path: Path) -> None:
    """No row left to number: each row is still quarantined, nothing stops."""
    source = tmp_path / "people.csv"
    source.write_text('patient_id,cancer,stage\na,stomach,"4\nb,rectum,IV\n')
    con = connect()
    loaded = load(con, source, "csv", KB)
    assert (loaded.rows, loaded.answered, loaded.quarantined) == (1, 0, 1)
    assert con.execute("SELECT row, reason FROM quarantine").fetchall() == [
        (1, "line 2: a quoted value is not closed before the end of the file")
    ]
    con.close()


def test_an_ndjson_line_that_is_not_utf8_is_quarantined(tmp_path: Path) -> None:
    """A line that is not UTF-8 text is quarantined with its byte, and the run goes on, by every
    engine, as a FHIR folder's line is (one such line stopped the whole run); a file none of
    whose lines is UTF-8 (another encoding) is one line."""
    source = tmp_path / "people.ndjson"
    source.write_bytes(b'{"patient_id": "a", "cancer": "stomach"}\n'
                       b'{"patient_id": "b", "cancer": "rect\xffum"}\n'
                       b'{"patient_id": "c", "cancer": "rectum"}\n')  # fmt: skip
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (3, 2), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [
            (2, None, "line 2: not UTF-8 text (byte 36); save the file as UTF-8")]
        assert {p for p, *_ in answers(tmp_path / f"{engine}.parquet")} == {"a", "c"}
    source.write_bytes(b'{"patient_id": "b", "cancer": "rect\xffum"}\n')
    with pytest.raises(CohortError) as refused:
        load(connect(), source, "ndjson", KB)
    assert str(refused.value) == ("INPUT: cannot be read as ndjson: line 1 is not UTF-8 text "
                                  "(byte 36); save the file as UTF-8")  # fmt: skip


def test_an_ndjson_string_with_half_a_surrogate_pair_is_quarantined(tmp_path: Path) -> None:
    """A string with an escape of half a character (``\\udc00`` alone), which Python's JSON reader
    takes and DuckDB refuses, is quarantined with its line and a reason in words, and the run
    goes on, by every engine (it stopped the run: 'cannot be read as ndjson: _Unreadable')."""
    source = tmp_path / "people.ndjson"
    source.write_text('{"patient_id": "a", "cancer": "stomach"}\n'
                      '{"patient_id": "b", "cancer": "rectum", "symptoms": ["pain\\udc00"]}\n'
                      '{"patient_id": "c", "cancer": "rectum", "symptoms": ["\\ud83d\\ude00"]}\n'
                      '{"patient_id": "d\\ud800", "cancer": "rectum"}\n')  # fmt: skip
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (4, 1), engine
        bad = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert [(r, p) for r, p, _ in bad] == [(2, "b"), (3, "c"), (4, None)], engine
        assert bad[0][2] == f"line 2: {NOT_UNICODE}" and bad[2][2] == f"line 4: {NOT_UNICODE}"
        assert "symptoms[0]" in bad[1][2]  # a pair is a character (not a symptom): read


@pytest.mark.parametrize("rows", [1, 3000])
def test_a_csv_row_that_is_not_utf8_is_quarantined(tmp_path: Path, rows: int) -> None:
    """A row of a Latin-1 export (Excel's "CSV" on Windows) is quarantined naming its line, the
    column and what to do, whether the bad byte is within the first block read with the header
    or past it, and the other rows are answered (one such row stopped the whole run); a header
    that is not UTF-8 still stops it."""
    source = tmp_path / "people.csv"
    body = "".join(f"p{i},rectum,IV,pain\n" for i in range(rows))
    source.write_bytes(("patient_id,cancer,stage,symptoms\n" + body).encode()
                       + "x,rectum,IV,naus\xe9e\ny,rectum,IV,pain\n".encode("latin-1"))
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (rows + 2, rows + 1), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [
            (rows + 1, "x", f"line {rows + 2}: not UTF-8 text (column 'symptoms'); save the "
                             "file as UTF-8 (in Excel: CSV UTF-8)")]  # fmt: skip
    source.write_bytes("patient_id,canc\xe9r\nx,rectum\n".encode("latin-1"))
    with pytest.raises(CohortError) as refused:
        load(connect(), source, "csv", KB)
    assert str(refused.value) == ("INPUT: cannot be read as csv: line 1 is not UTF-8 text "
                                  "(byte 16); save the file as UTF-8 (in Excel: CSV UTF-8)")


def test_an_ndjson_rows_keys_are_its_own(tmp_path: Path) -> None:
    """In NDJSON each row names its own facts: a key that is no fact's ('stgae') or one fact
    given by two keys in one object ('Cancer' and 'cancer') quarantines that row with its line,
    and the others are answered, by every engine (the union of every row's keys stopped the whole
    run, with no line); 'Cancer' on one line and 'cancer' on another are each the cancer."""
    lines = ['{"patient_id": "a", "cancer": "rectum", "stage": "4"}',
             '{"patient_id": "b", "cancer": "rectum", "stgae": "4"}',
             '{"patient_id": "c", "Cancer": "rectum", "cancer": "colon"}',
             '{"patient_id": "d", "Cancer": "rectum", "STAGE": "4"}']  # fmt: skip
    source = tmp_path / "people.ndjson"
    source.write_text("\n".join(lines) + "\n")
    plain = tmp_path / "plain.ndjson"
    plain.write_text('{"patient_id": "a", "cancer": "rectum", "stage": "4"}\n'
                     '{"patient_id": "d", "cancer": "rectum", "stage": "4"}\n')  # fmt: skip
    run(KB, plain, tmp_path / "plain.parquet")
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (4, 2), engine
        [(row, who, unknown), twice] = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert (row, who) == (2, "b")
        assert unknown == "line 2: 'stgae' is not a fact; did you mean 'stage'?"
        assert twice == (3, "c", "line 3: 'cancer' is given twice (as 'Cancer' and 'cancer'); "
                                  "give it once")  # fmt: skip
        assert answers(tmp_path / f"{engine}.parquet") == answers(tmp_path / "plain.parquet")


def test_a_patient_id_that_is_not_text_is_quarantined(tmp_path: Path) -> None:
    """A patient_id that is a JSON object, an array or true (or a Parquet struct or boolean) is
    quarantined as not text, never answered under its JSON text ('{"mrn": "1"}'); a number is
    its text. Every engine alike."""
    source = tmp_path / "people.ndjson"
    source.write_text("".join(json.dumps({"patient_id": pid, "cancer": "rectum"}) + "\n"
                              for pid in ({"mrn": "1"}, ["x"], True, 12, "a", {"mrn": "1"})))
    expected = [(1, None, "patient_id: not text (an object); give it as text"),
                (2, None, "patient_id: not text (an array); give it as text"),
                (3, None, "patient_id: not text (true or false); give it as text"),
                (6, None, "patient_id: not text (an object); give it as text")]  # fmt: skip
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (6, 2), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == expected, engine
        assert {p for p, *_ in answers(tmp_path / f"{engine}.parquet")} == {"12", "a"}
    parquet = tmp_path / "people.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT {{'mrn': 1}} AS patient_id, 'rectum' AS cancer, true AS b) "
                    f"TO '{parquet}' (FORMAT parquet)")  # fmt: skip
        con.execute(f"COPY (SELECT b AS patient_id, cancer FROM '{parquet}' UNION ALL SELECT "
                    f"NULL, 'rectum') TO '{tmp_path / 'b.parquet'}' (FORMAT parquet)")
        con.execute(f"COPY (SELECT patient_id, cancer FROM '{parquet}') TO '{parquet}' "
                    "(FORMAT parquet)")  # fmt: skip
    for path, first in ((parquet, "an object"), (tmp_path / "b.parquet", "true or false")):
        for engine in ENGINES:
            run(KB, path, tmp_path / f"{engine}.parquet", engine=engine)
            found = quarantined(tmp_path / f"{engine}.quarantine.csv")
            assert found[0] == (1, None, f"patient_id: not text ({first}); give it as text")


def test_a_long_value_is_cut_in_a_reason(tmp_path: Path) -> None:
    """A value of 200,000 characters is quoted in the quarantine by its first 80 and its length,
    not whole (the reason was 200,000 characters long), by every engine; as a list item and as a
    key that is no fact's too."""
    long = "x" * 200_000
    source = tmp_path / "people.ndjson"
    source.write_text("".join(json.dumps(r) + "\n" for r in (
        {"patient_id": "a", "cancer": "stomach", "stage": long},
        {"patient_id": "b", "cancer": "stomach", "symptoms": [long]},
        {"patient_id": "c", "cancer": "stomach", long: "4"})))  # fmt: skip
    shown = f"'{'x' * 79}... (200000 characters long)"
    for engine in ENGINES:
        run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        found = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert [r for r, *_ in found] == [1, 2, 3]
        assert found[0][2].startswith(f"stage: {shown} is not accepted; accepted: 4, 4A")
        assert found[1][2] == (f"symptoms[0]: {shown} is not known; no source names it as a "
                               "symptom, so give it as 'another symptom the cancer causes', "
                               "or leave it out and tell your care team")  # fmt: skip
        assert found[2][2].startswith(f"line 3: {shown} is not a fact; accepted: ")
        # (not the value whole: the accepted facts' names make the rest, and grow with them)
        assert all(len(why) < 1000 for *_, why in found), engine


@pytest.mark.parametrize(("mark", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_file_separated_by_semicolons_is_one_line_saying_so(
    tmp_path: Path, mark: str, name: str
) -> None:
    """European Excel saves "CSV" with ``;``: one line saying the values are separated by
    semicolons, not that the whole header ('patient_id;cancer;stage') is a column not known."""
    source = tmp_path / "people.csv"
    source.write_text(mark.join(["patient_id", "cancer", "stage"]) + "\nP1" + mark
                      + "stomach" + mark + "IV\n")  # fmt: skip
    with pytest.raises(CohortError) as refused:
        load(connect(), source, "csv", KB)
    assert str(refused.value) == (
        f"INPUT: the header row is separated by {name}, not commas; a CSV file's values are "
        "separated by commas (RFC 4180): save it as CSV with commas (in Excel: CSV UTF-8 (Comma "
        "delimited))"
    )


def test_an_ndjson_file_with_a_byte_order_mark_and_a_bad_line(tmp_path: Path) -> None:
    """The first line, after a byte order mark, is read as DuckDB reads it in a file with no
    bad line: a row, not a line that is not JSON."""
    source = tmp_path / "people.ndjson"
    source.write_bytes(b'\xef\xbb\xbf{"patient_id": "a", "cancer": "stomach"}\n{oops\n')
    con = connect()
    loaded = load(con, source, "ndjson", KB)
    assert (loaded.rows, loaded.answered, loaded.quarantined) == (2, 1, 1)
    assert con.execute("SELECT row, reason FROM quarantine").fetchall() == [
        (2, "line 2: not JSON (Expecting property name enclosed in double quotes at column 2)")]
    assert con.execute("SELECT _row, person_id FROM facts").fetchall() == [(1, "a")]
    con.close()


def test_a_long_csv_value_is_read_whether_or_not_another_row_is_bad(tmp_path: Path) -> None:
    """A value past Python's csv field limit (131,072 characters) is read, as DuckDB reads it in
    a file with no bad row: a bad row elsewhere does not quarantine it."""
    long_id = "a" * 140_000
    source = tmp_path / "people.csv"
    source.write_text(f"patient_id,cancer,stage\n{long_id},rectum,4\nb,rectum\n")
    con = connect()
    loaded = load(con, source, "csv", KB)
    assert (loaded.rows, loaded.answered, loaded.quarantined) == (2, 1, 1)
    assert con.execute("SELECT _row, person_id FROM facts").fetchall() == [(1, long_id)]
    con.close()


@pytest.mark.parametrize("bad_row", [False, True])
def test_a_csv_line_over_two_megabytes_is_read_and_the_run_goes_on(
    tmp_path: Path, bad_row: bool
) -> None:
    """A CSV line over DuckDB's default line size (2,000,000 bytes: a clinic letter in a column
    given to --ignore-column, a stage of 3 MB) stopped the whole run ('CSV Error on Line: 3');
    each row is answered or quarantined as in NDJSON, by every engine, with or without a bad
    row beside it (the file read by DuckDB, or line by line)."""
    letter = "clinic letter text " * 120_000  # 2,280,000 characters
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,notes\na,stomach,4,short\n"
                      f'b,rectum,4,"{letter}"\nc,stomach,{"x" * 3_000_000},\nd,rectum,4,\n'
                      + ("e,rectum\n" if bad_row else ""))  # fmt: skip
    as_ndjson = tmp_path / "people.ndjson"
    as_ndjson.write_text("".join(json.dumps(r) + "\n" for r in (
        {"patient_id": "a", "cancer": "stomach", "stage": "4", "notes": "short"},
        {"patient_id": "b", "cancer": "rectum", "stage": "4", "notes": letter},
        {"patient_id": "d", "cancer": "rectum", "stage": "4"})))  # fmt: skip
    run(KB, as_ndjson, tmp_path / "ndjson.parquet", ignore=("notes",))
    shown = f"'{'x' * 79}... (3000000 characters long)"
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine, ignore=("notes",))
        assert (done.loaded.rows, done.loaded.answered) == (4 + bad_row, 3), engine
        found = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert found[0][:2] == (3, "c"), engine
        assert found[0][2].startswith(f"stage: {shown} is not accepted; accepted: 4, 4A")
        assert answers(tmp_path / f"{engine}.parquet") == answers(tmp_path / "ndjson.parquet")


def test_a_csv_value_longer_than_is_read_is_quarantined_naming_its_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value longer than a CSV value may be (``LONGEST_VALUE`` characters, Python's reader's
    limit; here made small) quarantines its row, naming the column and the limit, and the run
    goes on: it was Python's words for it, naming no column ('field larger than field limit')."""
    monkeypatch.setattr(table, "LONGEST_VALUE", 1000)
    source = tmp_path / "people.csv"
    source.write_text(f"patient_id,cancer,symptoms\na,stomach,pain\nb,rectum,{'y' * 2000}\n"
                      "c,rectum,\n")  # fmt: skip
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (3, 2), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [
            (2, "b", "line 3: the value of column 'symptoms' is 2000 characters long; a value of "
                     "at most 1000 characters is read")]  # fmt: skip
        assert {p for p, *_ in answers(tmp_path / f"{engine}.parquet")} == {"a", "c"}


def _many_problems(path: Path) -> tuple[Path, list[str]]:
    """A CSV file of rows with more problems than the core lists (``MAX_PROBLEMS``, 20), and
    what the core says of the first (``parse_profile``): 20 problems and one more counting the
    rest."""
    def unknown(prefix: str, n: int) -> str:
        return ";".join(f"{prefix}{i}" for i in range(n))

    path.write_text(
        "patient_id,cancer,stage,progressed_on,symptoms\n"
        f"a,stomach,4,,{unknown('zz', 22)}\n"  # 22 problems: 20 listed and 'and 2 more'
        f"b,stomache,9,{unknown('qq', 10)},{unknown('zz', 15)}\n"  # in three columns
        f"a,stomach,4,,{unknown('zz', 22)}\n"  # and a copy of the first row
        f"c,stomach,4,{unknown('qq', 1)},{unknown('zz', 20)}\n"  # 21: each listed
        f"d,stomach,4,,{unknown('zz', 3000)}\n"  # the reason no longer for more
        "e,stomach,4,,pain\n"
    )  # fmt: skip
    with pytest.raises(ProfileError) as error:
        parse_profile({"cancer": "stomach", "symptoms": unknown("zz", 22).split(";")}, KB)
    return path, [reason_of(p) for p in error.value.problems]


def test_a_row_with_more_problems_than_the_core_lists_is_said_as_the_core_says_it(
    tmp_path: Path,
) -> None:
    """A row with more than 20 problems: 20 of them and 'and N more problems (in symptoms), not
    listed: correct these first', as `onconav options` says it, by every engine; the duckdb
    engine listed every one (3,000 items not known: a reason of 500 KB; 100,000: 16.7 MB), the
    python engine 20, so the engines disagreed."""
    source, core = _many_problems(tmp_path / "people.csv")
    assert len(core) == 21 and core[-1] == ("symptoms[20]: and 2 more problems (in symptoms), "
                                            "not listed: correct these first")  # fmt: skip
    found = {}
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (6, 1), engine
        found[engine] = quarantined(tmp_path / f"{engine}.quarantine.csv")
        a, b, again, c, d = found[engine]
        assert a == (1, "a", "; ".join(core)), engine
        assert again[2].startswith("patient_id: the same as row 1, which is quarantined too "
                                   "(this patient is not answered); symptoms[0]: 'zz0' is not ")
        assert again[2].endswith("; symptoms[20]: and 2 more problems (in symptoms), not listed: "
                                 "correct these first")  # fmt: skip
        # the core counts a cancer not accepted after the lists, past the 20 it lists
        assert b[2].startswith("stage: '9' is not accepted; ") and b[2].endswith(
            "symptoms[9]: and 7 more problems (in symptoms, cancer), not listed: correct these "
            "first"), engine  # fmt: skip
        assert "more problems" not in c[2] and "symptoms[19]: 'zz19' is not known" in c[2]
        assert d[2].endswith("symptoms[20]: and 2980 more problems (in symptoms), not listed: "
                             "correct these first") and len(d[2]) < 5000  # fmt: skip
    assert found["duckdb"] == found["python"]


def test_a_patient_id_that_says_it_is_not_known_is_missing(tmp_path: Path) -> None:
    """A patient_id that says it is not known ('NULL', 'N/A', 'unknown', '\\N', 'nan', as an
    export writes no id; NaN in a Parquet DOUBLE column) is no id: quarantined as missing, by
    every engine, never answered as a patient named 'NULL', and a second 'NULL' is not "the same
    as row 1"; the same words in a fact's column mean not known."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage\nNULL,stomach,4\nNULL,rectum,4\nunknown,cervix,4\n"
                      " N/A ,stomach,4\n\\N,stomach,4\nnan,rectum,4\nnull-1,rectum,4\n"
                      "a,rectum,unknown\na,rectum,Not tested\n")  # fmt: skip
    said = "patient_id: missing ({}) says it is not known)"
    expected = [(1, None, said.format("'NULL'")), (2, None, said.format("'NULL'")),
                (3, None, said.format("'unknown'")), (4, None, said.format("'N/A'")),
                (5, None, said.format("'\\\\N'")), (6, None, said.format("'nan'")),
                (9, "a", "patient_id: the same as row 8")]  # fmt: skip
    expected = [(r, p, why.replace(") says", " says")) for r, p, why in expected]
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (9, 2), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == expected, engine
        assert {p for p, *_ in answers(tmp_path / f"{engine}.parquet")} == {"null-1", "a"}
    parquet = tmp_path / "people.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM (VALUES ('nan'::DOUBLE, 'rectum'), (2.5, 'stomach')) "
                    f"t(patient_id, cancer)) TO '{parquet}' (FORMAT parquet)")  # fmt: skip
    for engine in ENGINES:
        done = run(KB, parquet, tmp_path / f"{engine}.parquet", engine=engine)
        assert quarantined(tmp_path / f"{engine}.quarantine.csv")[0] == (
            1, None, "patient_id: missing ('nan' says it is not known)"), engine


FLOAT_IDS = "patient_id: {}, in a column of numbers with fractions (float or decimal), {}; an " \
    "id is a " \
    "whole number or text: check the column, or give the ids as text"  # fmt: skip


def test_an_integer_id_written_as_a_float_is_the_integer(tmp_path: Path) -> None:
    """pandas writes a column of integer ids with one missing as floats: '1.0' in CSV and NDJSON,
    a DOUBLE in Parquet. Each is the integer ('1'), by every engine (they were '1.0'), and the
    same patient as '1' (said as a repeated id, never two patients); NaN is missing; a float id
    with a fraction, infinite, or past where its type keeps every digit is quarantined saying
    so (2.5 had been answered as patient '2.5'), the number as given in the quarantine's
    patient_id (it had been empty); a DECIMAL column so too (review17 item 13: 1.00 was '1' and
    3.50 answered as patient '3.50'). Other decimal text ('2.50') is an id as written, as it
    was."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage\n1.0,stomach,4\n2.0,rectum,4\n,stomach,4\n"
                      "1,stomach,4\n 3.00 ,stomach,4\n2.50,stomach,4\n-4.0,stomach,4\n")
    parquet = tmp_path / "people.parquet"
    with duckdb.connect() as con:
        con.execute("COPY (SELECT * FROM (VALUES (1.0::DOUBLE, 'stomach'), ('nan'::DOUBLE, "
                    "'rectum'), (2.5::DOUBLE, 'stomach'), (NULL, 'stomach'), ('inf'::DOUBLE, "
                    "'stomach'), (2.0::DOUBLE ^ 60, 'stomach'), (3.0, 'rectum'), (1.0, 'stomach')) "
                    f"t(patient_id, cancer)) TO '{parquet}' (FORMAT parquet)")  # fmt: skip
        decimals = tmp_path / "decimals.parquet"  # DECIMAL: whole or not, as floats
        con.execute("COPY (SELECT * FROM (VALUES (1.00::DECIMAL(10, 2), 'rectum'), "
                    "(3.50::DECIMAL(10, 2), 'stomach'), (-2.00::DECIMAL(10, 2), 'stomach')) "
                    f"t(patient_id, cancer)) TO '{decimals}' (FORMAT parquet)")  # fmt: skip
        floats = tmp_path / "floats.parquet"  # FLOAT: exact up to 2 ** 24
        con.execute("COPY (SELECT * FROM (VALUES (3.0::FLOAT, 'rectum'), (16777218::FLOAT, "
                    f"'rectum')) t(patient_id, cancer)) TO '{floats}' (FORMAT parquet)")
    ndjson = tmp_path / "people.ndjson"
    ndjson.write_text('{"patient_id": 1.0, "cancer": "stomach"}\n'
                      '{"patient_id": "2.0", "cancer": "stomach"}\n'
                      '{"patient_id": 1, "cancer": "stomach", "stage": "4"}\n'
                      '{"patient_id": 3.00, "cancer": "stomach", "mrn": "x"}\n')  # fmt: skip
    expected = {
        source: ({"1", "2", "2.50", "3", "-4"},
                 [(3, None, "patient_id: missing"), (4, "1", "patient_id: the same as row 1")]),
        parquet: ({"1", "3"}, [
            (2, None, "patient_id: missing ('nan' says it is not known)"),
            (3, "2.5", FLOAT_IDS.format("2.5", "is not a whole number")),
            (4, None, "patient_id: missing"),
            (5, "inf", FLOAT_IDS.format("inf", "is not a whole number")),
            (6, "1.152921504606847e+18", FLOAT_IDS.format(
                "1.152921504606847e+18", f"is past {2**53}, where a number of its column's "
                "type keeps every digit: its last digits may have been lost")),
            (8, "1", "patient_id: the same as row 1")]),
        floats: ({"3"}, [
            (2, "16777218.0", FLOAT_IDS.format(
                "16777218.0", f"is past {2**24}, where a number of its column's type keeps "
                "every digit: its last digits may have been lost"))]),
        decimals: ({"1", "-2"}, [
            (2, "3.50", FLOAT_IDS.format("3.50", "is not a whole number"))]),
        ndjson: ({"2"}, [
            (1, "1", "patient_id: given by rows 1, 3, whose facts differ (stage): which row is "
                      "right cannot be known, so none is read (this patient is not answered); "
                      "give each patient one row"),
            (3, "1", "patient_id: given by rows 1, 3, whose facts differ (stage): which row is "
                      "right cannot be known, so none is read (this patient is not answered); "
                      "give each patient one row")]),
    }  # fmt: skip
    for path, (ids, bad) in expected.items():
        for engine in ENGINES:
            out = tmp_path / f"{path.stem}-{path.suffix[1:]}-{engine}.parquet"
            run(KB, path, out, engine=engine)
            found = quarantined(out.with_suffix(".quarantine.csv"))
            if path == ndjson:  # the line with a key that is no fact's, its id as the rows'
                assert found[-1][:2] == (4, "3"), engine
                found = found[:-1]
            assert found == bad, (path.suffix, engine)
            assert {p for p, *_ in answers(out)} == ids, (path.suffix, engine)


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**20), 10**20), st.integers(1, 4), st.sampled_from(["", " "]))
def test_an_integer_with_zeros_after_its_point_is_that_integer(number: int, zeros: int,
                                                               space: str) -> None:  # fmt: skip
    """``whole_id`` and its SQL read an id the same way, whatever the integer."""
    text = f"{space}{number}.{'0' * zeros}{space}"
    with duckdb.connect() as con:
        (sql,) = con.execute(f"SELECT {table._whole_id('trim(?)')}", [text]).fetchone() or ("",)
    assert sql == table.whole_id(text.strip()) == str(number)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(
    ["N / A", " Not Known", "UNK", "\tnull", "n.a.", "\u00a0", "don't know", "\\N", "NaN"])),
    min_size=1, max_size=30))  # fmt: skip
def test_every_id_that_says_it_is_not_known_is_found_in_sql(ids: list[str]) -> None:
    """DuckDB finds the ids that may say they are not known (``table.ID_NOT_KNOWN``) and the
    core's words decide (``id_problem``): none that the words say is not known is missed, so
    every engine says the same of an id."""
    with duckdb.connect() as con:
        con.execute("CREATE TABLE src (patient_id VARCHAR)")
        con.executemany("INSERT INTO src VALUES (?)", [[i] for i in ids])
        found = {i for (i,) in con.execute(f"SELECT patient_id FROM src WHERE "
                                           f"{table.ID_NOT_KNOWN}").fetchall()}  # fmt: skip
    for i in ids:
        missing = (table.id_problem(i) or "").startswith("patient_id: missing")
        assert not missing or i in found, i


def test_a_line_that_cannot_be_read_as_a_row_keeps_its_patient_id(tmp_path: Path) -> None:
    """A line quarantined whole whose patient_id can be read is said with it, as the quarantine
    gives any row's (a number as written): an NDJSON line with a key that is no fact's ('mrn')
    or given twice, a CSV row with more or fewer values than the header; the patient_id was
    left empty, and whose row it was had to be looked up in the file."""
    source = tmp_path / "people.ndjson"
    source.write_text('{"patient_id": "a", "cancer": "stomach", "mrn": "1"}\n'
                      '{"patient_id": "b", "cancer": "rectum"}\n'
                      '{"Patient ID": 2.50, "cancer": "rectum", "cancer": "colon"}\n'
                      '{"patient_id": "NULL", "mrn": "2"}\n'
                      '{"patient_id": " c ", "patient_ID": "d", "mrn": "3"}\n')  # fmt: skip
    table_csv = tmp_path / "people.csv"
    table_csv.write_text("cancer,patient_id,stage\nstomach,T1,4,\nrectum,T2\nrectum\n"
                         "rectum,T4,4\n")  # fmt: skip
    for engine in ENGINES:
        run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        found = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert [(r, p) for r, p, _ in found] == [(1, "a"), (3, "2.50"), (4, None), (5, None)]
        assert found[0][2].startswith("line 1: 'mrn' is not a fact; accepted: patient_id, ")
        run(KB, table_csv, tmp_path / f"{engine}.parquet", engine=engine)
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [
            (1, "T1", "line 2: 4 values, the header has 3"),
            (2, "T2", "line 3: 2 values, the header has 3"),
            (3, None, "line 4: 1 value, the header has 3")], engine  # fmt: skip


def test_spark_says_many_problems_and_ids_not_known_as_the_others(
    tmp_path: Path, spark_stopped: None
) -> None:
    """The quarantine of rows with more problems than the core lists, and of ids that say they
    are not known, is the same from Spark as from DuckDB and the python engine."""
    source, _ = _many_problems(tmp_path / "people.csv")
    with source.open("a") as more:
        more.write("NULL,stomach,4,,\nNULL,rectum,4,,\n")
    found = []
    for engine in ("duckdb", "python", "spark"):
        run(KB, source, tmp_path / f"{engine}.parquet", engine=engine,
            master="local[1]" if engine == "spark" else None)  # fmt: skip
        found.append(quarantined(tmp_path / f"{engine}.quarantine.csv"))
    assert found[0] == found[1] == found[2] and len(found[0]) == 7


def test_a_column_is_named_by_its_fact_in_any_case(tmp_path: Path) -> None:
    """A column named ``Stage`` or `` Patient_ID `` (a spreadsheet's header, a SQL export's) is
    read as the fact's (DuckDB matches names so), in every format: each was refused as not a
    fact; a fact given by two columns (``stage`` and ``Stage``) is one line naming both, not
    DuckDB's words ('Binder Error: Duplicate named argument ...')."""
    plain = tmp_path / "plain.csv"
    plain.write_text("patient_id,cancer,stage,symptoms\na,stomach,4,pain\nb,rectum,IV,\n")
    cased = tmp_path / "cased.csv"
    cased.write_bytes(b"\xef\xbb\xbf Patient_ID ,CANCER,Stage,Symptoms\r\na,stomach,4,pain\r\n"
                      b"b,rectum,IV,\r\n")  # fmt: skip
    parquet = tmp_path / "cased.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_csv('{plain}', all_varchar=true)) TO '{parquet}' "
                    "(FORMAT parquet)")  # fmt: skip
        con.execute(f"COPY (SELECT patient_id AS \"Patient_ID\", cancer AS \"Cancer\", stage AS "
                    f"\"STAGE\", symptoms AS \"Symptoms\" FROM '{parquet}') TO '{parquet}.x' "
                    "(FORMAT parquet)")  # fmt: skip
    Path(f"{parquet}.x").replace(parquet)
    ndjson = tmp_path / "cased.ndjson"
    ndjson.write_text('{"PATIENT_ID": "a", "Cancer": "stomach", "Stage": "4", "symptoms": '
                      '["pain"]}\n{"PATIENT_ID": "b", "Cancer": "rectum", "Stage": "IV"}\n')
    run(KB, plain, tmp_path / "plain.out.parquet")
    expected = answers(tmp_path / "plain.out.parquet")
    assert {p for p, *_ in expected} == {"a", "b"}
    _two_answered_as(tmp_path, (cased, parquet, ndjson), expected)
    _refused_as_given_twice(tmp_path, "patient_id,stage,cancer,Stage\na,4,stomach,4\n",
                            "INPUT: column 'stage' is given twice (as 'stage' and 'Stage')")


def _two_answered_as(tmp_path: Path, sources: tuple[Path, ...], expected: Any) -> None:
    """Each of the files of two people is answered whole, as ``expected``, by every engine."""
    for source in sources:
        for engine in ENGINES:
            out = tmp_path / f"{source.name}-{engine}.parquet"
            done = run(KB, source, out, engine=engine)
            assert (done.loaded.rows, done.loaded.answered) == (2, 2), (source.name, engine)
            assert answers(out) == expected, (source.name, engine)


def _refused_as_given_twice(tmp_path: Path, text: str, message: str) -> None:
    twice = tmp_path / "twice.csv"
    twice.write_text(text)
    with pytest.raises(CohortError) as refused:
        load(connect(), twice, "csv", KB)
    assert str(refused.value) == message


def test_an_ndjson_line_with_a_key_given_twice_is_quarantined(tmp_path: Path) -> None:
    """A line whose object gives a key twice (at any depth) is quarantined, as ``onconav
    options`` refuses such a profile, and the run goes on: DuckDB's error ('has duplicate key')
    stopped the whole file. Names that differ in case only, on two lines or in a Parquet file,
    are one line, not DuckDB's second name for them ('stage_1' is not a fact)."""
    a, b, c = (json.dumps(p) for p in PEOPLE[:3])
    lines = [a, '{"patient_id": "x", "cancer": "rectum", "stage": "4", "stage": "2"}', b,
             '{"patient_id": "y", "cancer": "rectum", "symptoms": {"k": 1, "k": 2}}', c]
    source = tmp_path / "people.ndjson"
    source.write_text("\n".join(lines) + "\n")
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (5, 2), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv")[:2] == [
            (2, "x", "line 2: 'stage' is given twice in one object; give it once"),
            (4, "y", "line 4: 'k' is given twice in one object; give it once"),
        ]
    cased = tmp_path / "cased.ndjson"  # a row's keys are its own: STAGE is this row's stage
    cased.write_text('{"patient_id": "a", "cancer": "rectum", "STAGE": "4"}\n'
                     '{"patient_id": "b", "cancer": "rectum", "stage": "4"}\n')
    con = connect()
    loaded = load(con, cased, "ndjson", KB)
    assert (loaded.rows, loaded.answered) == (2, 2)
    assert con.execute("SELECT stage FROM facts").fetchall() == [("4",), ("4",)]
    parquet = tmp_path / "cased.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT 'a' AS patient_id, 'rectum' AS cancer, '4' AS stage, "
                    f"'4' AS \"Stage\") TO '{parquet}' (FORMAT parquet)")  # fmt: skip
    with pytest.raises(CohortError) as refused:
        load(connect(), parquet, "parquet", KB)
    assert str(refused.value) == ("INPUT: column 'stage' is given twice, by names that differ "
                                  "in case only; give it one name")  # fmt: skip


def test_an_empty_piece_of_a_semicolon_list_is_no_item(tmp_path: Path) -> None:
    """``pain;`` or ``pain;;nausea`` (a spreadsheet's cells joined with ``;``) is read as the
    core reads ``pain,`` in a profile (``split_list``: an empty piece is no item), by every
    engine: it was quarantined as ``symptoms[1]: '' is not known``. Text with no item in it
    (``;``) is still refused, naming the field and the text, as the core refuses it: no list
    of names (it had been told to check the spelling of ';', as a name)."""
    source = tmp_path / "people.csv"
    source.write_text('patient_id,cancer,symptoms,progressed_on\na,stomach,"pain; nausea",FOLFOX\n'
                      'b,stomach,"pain;; nausea ;",FOLFOX;\nc,stomach,;,\n')  # fmt: skip
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        done = run(KB, source, out, engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (3, 2), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == [
            (3, "c", "symptoms: ';' is not accepted; accepted: a list of names, or none")]
        found = answers(out)
        assert {x[1:] for x in found if x[0] == "a"} == {x[1:] for x in found if x[0] == "b"}
    expected = parse_profile({"cancer": "stomach", "symptoms": "pain, nausea, "}, KB)
    assert expected.symptoms is not None and len(expected.symptoms) == 2
    with pytest.raises(ProfileError) as refused:  # the core's words for text with no item
        parse_profile({"cancer": "stomach", "symptoms": ";"}, KB)
    assert [reason_of(p) for p in refused.value.problems] == [
        "symptoms: ';' is not accepted; accepted: a list of names, or none"]


def test_names_on_lines_of_one_cell_are_told_to_be_items_of_their_own(tmp_path: Path) -> None:
    """A list cell with names on lines of their own (Excel's Alt+Enter) is quarantined by every
    engine saying the cell holds a line break and to give each name as an item of its own, as
    ``onconav options`` refuses it (it had been told to check the spelling of the names run
    together); the row beside it with ``;`` is answered."""
    source = tmp_path / "people.csv"
    source.write_text('patient_id,cancer,stage,symptoms\na,rectum,4,"bleeding\r\npain"\n'
                      "b,rectum,4,bleeding;pain\n", newline="")  # fmt: skip
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (2, 1), engine
        [(row, who, why)] = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert (row, who) == (1, "a"), engine
        assert why.startswith("symptoms[0]: 'bleeding\\r\\npain' is not known; it holds a line "
                              "break"), why  # fmt: skip
        assert "an item of its own" in why and "check the spelling" not in why, why


def test_a_semicolon_inside_brackets_is_part_of_a_name(tmp_path: Path) -> None:
    """``chemotherapy (FOLFOX; FOLFIRI)`` is one item, as ``onconav options`` reads it (the
    core's ``split_list``: a separator whose next bracket is a closing one is part of a name),
    by every engine: it had been cut inside the brackets and both halves quarantined."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,prior_treatments,progressed_on\n"
                      'a,rectum,4,"chemotherapy (FOLFOX; FOLFIRI); surgery",FOLFOX\n'
                      "b,rectum,4,FOLFOX; FOLFIRI; surgery,FOLFOX\n")  # fmt: skip
    profile = {"cancer": "rectum", "stage": "4", "progressed_on": "FOLFOX",
               "prior_treatments": "chemotherapy (FOLFOX; FOLFIRI); surgery"}  # fmt: skip
    expected = parse_profile(profile, KB).prior_treatments
    assert expected == ["folfox", "folfiri", "surgery"]  # the core's reading, as typed
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        done = run(KB, source, out, engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (2, 2), engine
        found = answers(out)
        assert {x[1:] for x in found if x[0] == "a"} == {x[1:] for x in found if x[0] == "b"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab ();\x01", max_size=14))
def test_the_sql_splits_a_list_as_the_core_does(text: str) -> None:
    """For any text of names, brackets and ``;``, the cohort's SQL gives the items the core's
    ``split_list`` gives (text with no item in it is given whole, no list, which the core
    refuses as it refuses it in a profile). Text
    holding the SQL's own mark of a kept ``;`` (``table.KEPT``, a control character the core
    refuses) keeps it in an item, so the row is refused as the core refuses it."""
    with duckdb.connect() as con:
        (got,) = con.execute(f"SELECT {table._split('t')} FROM (SELECT ? AS t)",
                             [text]).fetchone() or (None,)  # fmt: skip
    core = split_list(text)
    if not text.strip():
        assert got is None
    elif "\x01" in text:
        assert any("\x01" in table.as_given(x) for x in got)
        with pytest.raises(ProfileError, match="control character"):
            parse_profile({"cancer": "rectum", "prior_treatments": text}, KB)
    else:
        assert table.list_given(got) == (core or text.strip())


def test_a_list_holding_a_control_character_is_refused_by_every_engine(tmp_path: Path) -> None:
    """A list's text holding the SQL's mark of a kept ``;`` is refused by every engine as the
    core refuses it, with the field named; one holding a unit separator (chr(31), a space to
    the core) is read as the core reads it, brackets and all."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,prior_treatments\n"
                      'a,rectum,4,"chemotherapy (FOLFOX; FOLFIRI)\x01; surgery"\n'
                      'b,rectum,4,"chemotherapy (FOLFOX; FOLFIRI)\x1f; surgery"\n'
                      "c,rectum,4,chemotherapy; surgery\n")  # fmt: skip
    with pytest.raises(ProfileError, match="control character"):
        parse_profile({"cancer": "rectum", "stage": "4",
                       "prior_treatments": "chemotherapy (FOLFOX; FOLFIRI)\x01; surgery"}, KB)
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        done = run(KB, source, out, engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (3, 2), engine
        quarantine = out.with_name(f"{engine}.quarantine.csv").read_text()
        assert "prior_treatments" in quarantine and "control character" in quarantine, engine
        assert ",b," not in quarantine and ",c," not in quarantine, engine


def test_a_column_name_with_spaces_inside_is_read_as_the_fact(tmp_path: Path) -> None:
    """``Patient ID``, ``Progressed On``, ``Wants  cancer treatment`` (a report's headers, a
    pandas frame's columns) are the facts ``patient_id``, ``progressed_on`` and
    ``wants_cancer_treatment`` in every format: ``Patient ID`` was refused as not a fact. Two
    columns for one fact, so named, still stop the run."""
    plain = tmp_path / "plain.csv"
    plain.write_text("patient_id,cancer,stage,progressed_on,wants_cancer_treatment\n"
                     "a,rectum,IV,FOLFOX,yes\nb,stomach,4,,no\n")  # fmt: skip
    run(KB, plain, tmp_path / "plain.out.parquet")
    expected = answers(tmp_path / "plain.out.parquet")
    spaced = tmp_path / "spaced.csv"
    spaced.write_text("Patient ID,Cancer,Stage,Progressed On, Wants  cancer treatment \n"
                      "a,rectum,IV,FOLFOX,yes\nb,stomach,4,,no\n")  # fmt: skip
    parquet = tmp_path / "spaced.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_csv('{spaced}', all_varchar=true)) TO '{parquet}' "
                    "(FORMAT parquet)")  # fmt: skip
    ndjson = tmp_path / "spaced.ndjson"
    ndjson.write_text('{"Patient ID": "a", "cancer": "rectum", "stage": "IV", "Progressed On": '
                      '["FOLFOX"], "Wants Cancer Treatment": "yes"}\n{"Patient ID": "b", '
                      '"cancer": "stomach", "stage": "4", '
                      '"Wants Cancer Treatment": "no"}\n')  # fmt: skip
    _two_answered_as(tmp_path, (spaced, parquet, ndjson), expected)
    _refused_as_given_twice(tmp_path, "Patient ID,patient_id,cancer\na,a,rectum\n",
                            "INPUT: column 'patient_id' is given twice (as 'Patient ID' and "
                            "'patient_id')")  # fmt: skip


def test_a_reason_names_the_column_not_the_profile_field(tmp_path: Path) -> None:
    """A HER2 or KRAS value refused is named by the input's column, ``her2: ...``, not by the
    profile's field (``biomarkers.her2: ...``, which no input has), by every engine."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,her2,kras\na,stomach,purple,\nb,rectum,,maybe\n")
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert done.loaded.quarantined == 2, engine
        reasons = [r for _, _, r in quarantined(tmp_path / f"{engine}.quarantine.csv")]
        assert [r.split(":")[0] for r in reasons] == ["her2", "kras"], reasons
        assert not any("biomarkers" in r for r in reasons), reasons


def test_every_engine_gives_a_rows_reasons_in_the_same_order(tmp_path: Path) -> None:
    """A row with several problems has the same reason from every engine, its problems in the
    order of the facts table's columns (cancer, stage, ..., her2, ..., symptoms), whatever the
    order of the input's: the python engine gave the core's order, which puts a cancer not
    accepted (``N/A``) last and a missing one first, the duckdb engine the cancer first."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,her2,symptoms\na,N/A,9,purple,xyzzy\n"
                      "b,,9,,\nc,stomache,IV,,pain; xyzzy\n")  # fmt: skip
    backwards = tmp_path / "backwards.csv"  # the same rows, the columns the other way round
    backwards.write_text("symptoms,her2,stage,cancer,patient_id\nxyzzy,purple,9,N/A,a\n"
                         ",,9,,b\npain; xyzzy,,IV,stomache,c\n")  # fmt: skip
    found = {}
    for engine in ENGINES:
        run(KB, backwards, tmp_path / f"{engine}.parquet", engine=engine)
        given_backwards = quarantined(tmp_path / f"{engine}.quarantine.csv")
        run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        found[engine] = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert given_backwards == found[engine], engine
        fields = [
            [part.split(":")[0] for part in r.split("; ")
             if ": " in part and not part.startswith(("accepted", "give"))]
            for _, _, r in found[engine]
        ]  # fmt: skip
        assert fields == [["cancer", "stage", "her2", "symptoms[0]"], ["cancer", "stage"],
                          ["cancer", "symptoms[1]"]], (engine, found[engine])  # fmt: skip
    assert found["duckdb"] == found["python"]


@pytest.mark.parametrize(("text", "says"), [
    ('[\n  {"patient_id": "a", "cancer": "rectum"},\n  {"patient_id": "b", "cancer": "colon"}\n]\n',
     "the file is a JSON array, not one object a line: write each person's object on a line of "
     "its own (pandas: to_json(orient='records', lines=True); jq -c '.[]')"),
    ('[{"patient_id": "a", "cancer": "rectum"}]',
     "the file is a JSON array, not one object a line: write each person's object on a line of "
     "its own (pandas: to_json(orient='records', lines=True); jq -c '.[]')"),
    ('{\n  "patient_id": "a",\n  "cancer": "rectum"\n}\n',
     "no line is a JSON object; an object over several lines (pretty-printed JSON) is not NDJSON: "
     "write each person's object on one line (jq -c)"),
    ("1\n2\n", "no line is a JSON object"),
])  # fmt: skip
def test_a_json_file_that_is_not_ndjson_says_what_it_is(tmp_path: Path, text: str,
                                                        says: str) -> None:  # fmt: skip
    """A ``.json`` file as most tools write JSON (one array of objects, or pretty-printed) is one
    line saying so and what to write: it was 'no line is a JSON object', or, for an array with
    an object a line, its last object answered and every other line quarantined as not JSON."""
    source = tmp_path / "people.json"
    source.write_text(text)
    with pytest.raises(CohortError) as refused:
        load(connect(), source, "ndjson", KB)
    assert str(refused.value) == "INPUT: cannot be read as ndjson: " + says


def test_a_result_written_in_the_cancers_name_is_read_by_every_engine(tmp_path: Path) -> None:
    """An export whose cancer column says "HER2-positive gastric adenocarcinoma" and whose her2
    column is empty answers as if HER2 were given, in every engine, as ``onconav options`` does;
    a result in the her2 column wins over the name's."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,her2,kras\n"
                      "named,HER2-positive gastric adenocarcinoma,4,,\n"
                      "given,stomach,4,positive,\n"
                      "both,HER2-positive gastric adenocarcinoma,4,negative,\n"
                      "kras,KRAS G12D rectal cancer,4,,\n"
                      "awaits-her2,\"stomach cancer, HER2 pending\",4,,\n")  # fmt: skip
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        done = run(KB, source, out, engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (5, 5), engine
        status = {(p, o): s for p, o, s, *_ in answers(out)}
        assert status[("named", "stomach-trastuzumab")] == "offered", engine
        assert status[("given", "stomach-trastuzumab")] == "offered", engine
        assert status[("both", "stomach-trastuzumab")] == "not_suitable", engine
        assert status[("awaits-her2", "stomach-trastuzumab")] == "needs_information", engine
        assert status[("kras", "rectum-panitumumab")] == "not_suitable", engine


@pytest.mark.parametrize(("text", "says"), [
    ("MRN-884213,Jane Doe,stomach,4\nMRN-1,John Roe,rectum,4\n",
     "INPUT: the first line does not look like a header row: no name in it is a fact's; a CSV "
     "file's first line names its columns, each by its fact (patient_id, cancer, stage, "),
    ('{"patient_id": "MRN-884213", "name": "Jane Doe", "cancer": "stomach"}\n',
     "INPUT: the first line does not look like a header row (it starts with '{', as a line of "
     "NDJSON: name such a file .ndjson): no name in it is a fact's; "),
    ("Jane Doe,stomach,stage 4\n", "INPUT: the first line does not look like a header row: "),
    ("MRN-884213,cancer,stage\nx,stomach,4\n", "INPUT: has no patient_id column; each row "
     "needs a patient_id: name the column of the people's ids patient_id in the header row"),
])  # fmt: skip
def test_a_first_line_that_is_no_header_row_is_said_without_its_values(
    run_cli: Run, tmp_path: Path, text: str, says: str
) -> None:
    """A CSV file with no header row (or an NDJSON file named .csv) is one line saying that its
    first line does not look like a header row, and what one names, never echoing the line: its
    values are a person's data ("column 'MRN-884213' is not a fact; ...", and with
    --ignore-column, "its columns: 'MRN-884213', 'Jane Doe', ...")."""
    source = tmp_path / "people.csv"
    source.write_text(text)
    for ignore in ([], ["--ignore-column", "mrn"]):
        done = run_cli("cohort", str(source), "--quiet", "--out", str(tmp_path / "x.parquet"),
                       *ignore)  # fmt: skip
        assert done.status == 2 and len(done.errors()) == 1, done.stderr
        assert done.errors()[0].startswith(f"onconav: error: {says}"), done.stderr
        for value in ("MRN-884213", "Jane", "John", "MRN-1"):
            assert value not in done.stderr


def test_a_misspelt_fact_is_said_as_a_slip_not_offered_to_be_ignored(
    run_cli: Run, tmp_path: Path
) -> None:
    """A column named as a slip of a fact's (stgae, patientid) is said as one, with the fact it
    is close to, in CSV, Parquet and NDJSON, and --ignore-column is not offered: ignored, the
    stage would be dropped without a word. A name close to none is offered to be ignored."""
    csv_file = tmp_path / "typo.csv"
    csv_file.write_text("patient_id,cancer,stgae\nA,stomach,4\n")
    parquet = tmp_path / "typo.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (FROM read_csv('{csv_file}', all_varchar=true)) TO '{parquet}' "
                    "(FORMAT parquet)")  # fmt: skip
    for source in (csv_file, parquet):
        done = run_cli("cohort", str(source), "--quiet", "--out", str(tmp_path / "x.parquet"))
        assert done.status == 2
        assert done.errors() == ["onconav: error: INPUT: column 'stgae' is not a fact; did you "
                                 "mean 'stage'? name the column so"], done.stderr  # fmt: skip
    csv_file.write_text("PatientID,cancer\nA,stomach\n")
    done = run_cli("cohort", str(csv_file), "--quiet", "--out", str(tmp_path / "x.parquet"))
    assert "'PatientID' is not a fact; did you mean 'patient_id'?" in done.stderr
    ndjson = tmp_path / "typo.ndjson"
    ndjson.write_text('{"patient_id": "A", "cancer": "stomach", "stgae": "4"}\n')
    done = run_cli("cohort", str(ndjson), "--quiet", "--out", str(tmp_path / "x.parquet"))
    assert done.errors() == ["onconav: error: INPUT: cannot be read as ndjson: no row can be "
                             "read; line 1: 'stgae' is not a fact; did you mean 'stage'?"]


def test_a_slip_beside_its_fact_is_said_as_one_and_may_be_left_out(
    run_cli: Run, tmp_path: Path
) -> None:
    """A column named as a slip of a fact that another column gives (``stgae`` beside
    ``stage``) stops the run naming the fact it is close to, in CSV, Parquet and NDJSON (it had
    been said only to be no fact, with the list of every fact); it may be a copy, so
    --ignore-column is offered, and with it the run reads the stage."""
    csv_file = tmp_path / "copy.csv"
    csv_file.write_text("patient_id,cancer,stage,stgae\nA,stomach,4,4\n")
    parquet = tmp_path / "copy.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (FROM read_csv('{csv_file}', all_varchar=true)) TO '{parquet}' "
                    "(FORMAT parquet)")  # fmt: skip
    ndjson = tmp_path / "copy.ndjson"
    ndjson.write_text('{"patient_id": "A", "cancer": "stomach", "stage": "4", "stgae": "4"}\n')
    said = ("'stgae' is not a fact; did you mean 'stage'? (stage is given too: if this is a "
            "copy, leave it out); accepted: patient_id, cancer, stage")
    for source in (csv_file, parquet, ndjson):
        out = tmp_path / f"{source.suffix[1:]}.parquet"
        done = run_cli("cohort", str(source), "--quiet", "--out", str(out))
        assert done.status == 2 and len(done.errors()) == 1, done.stderr
        assert said in done.errors()[0], done.stderr
        assert done.errors()[0].endswith("or leave it out with --ignore-column 'stgae'")
        done = run_cli("cohort", str(source), "--quiet", "--out", str(out),
                       "--ignore-column", "stgae")  # fmt: skip
        assert done.status == 0, done.stderr
        with duckdb.connect() as con:
            assert con.execute(f"SELECT count(*) FROM '{out}' WHERE status = 'offered'"
                               ).fetchone()[0] > 0  # fmt: skip


def test_a_column_that_is_no_fact_can_be_ignored(run_cli: Run, tmp_path: Path) -> None:
    """An export's extra column (an mrn) stops the run, naming --ignore-column; with
    --ignore-column MRN (in any case, repeatable) it is not read, in CSV, Parquet and NDJSON
    (each row's key), by every engine, and the summary names it; a fact's column cannot be
    ignored, nor can a FHIR folder's."""
    plain = tmp_path / "plain.csv"
    plain.write_text("patient_id,cancer,stage\n1,rectum,4\n2,stomach,4\n")
    extra = tmp_path / "extra.csv"
    extra.write_text("patient_id,MRN,cancer,stage,Name\n1,x1,rectum,4,A\n2,x2,stomach,4,B\n")
    ndjson = tmp_path / "extra.ndjson"
    ndjson.write_text('{"patient_id": "1", "mrn": "x1", "cancer": "rectum", "stage": "4"}\n'
                      '{"patient_id": "2", "MRN": "x2", "cancer": "stomach", "stage": "4", '
                      '"name": "B"}\n')  # fmt: skip
    parquet = tmp_path / "extra.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (FROM read_csv('{extra}', all_varchar=true)) TO '{parquet}' "
                    "(FORMAT parquet)")  # fmt: skip
    done = run_cli("cohort", str(extra), "--quiet", "--out", str(tmp_path / "x.parquet"))
    assert done.status == 2
    assert done.errors()[0].endswith("; or leave it out with --ignore-column 'MRN'")
    every = tmp_path / "every.ndjson"  # NDJSON whose every row has it: named alike
    every.write_text('{"patient_id": "1", "mrn": "x1", "cancer": "rectum"}\n')
    done = run_cli("cohort", str(every), "--quiet", "--out", str(tmp_path / "e.parquet"))
    assert done.status == 2
    assert done.errors()[0].endswith("; or leave it out with --ignore-column 'mrn'"), done.stderr
    run(KB, plain, tmp_path / "plain.parquet")
    expected = answers(tmp_path / "plain.parquet")
    for source in (extra, ndjson, parquet):
        for engine in ENGINES:
            out = tmp_path / f"{source.suffix[1:]}-{engine}.parquet"
            done = run_cli("cohort", str(source), "--quiet", "--out", str(out), "--engine",
                           engine, "--ignore-column", "mrn", "--ignore-column", "name")
            assert done.status == 0, (source.name, done.stderr)
            assert answers(out) == expected, (source.name, engine)
            summary = json.loads(out.with_name(out.stem + ".summary.json").read_text())
            assert summary["ignored_columns"] == ["mrn", "name"]
            assert summary["quarantined"] == 0
    done = run_cli("cohort", "gaps", str(extra), "--quiet", "--out", str(tmp_path / "g.csv"),
                   "--ignore-column", "MRN", "--ignore-column", "name")  # fmt: skip
    assert done.status == 0, done.stderr
    done = run_cli("cohort", str(extra), "--quiet", "--ignore-column", "Stage")
    assert done.errors() == ["onconav: error: --ignore-column: 'Stage' is a fact's column; only "
                             "a column that is no fact's can be ignored"]  # fmt: skip
    # the id column is no fact's, and every row needs it (it was called "a fact's column")
    done = run_cli("cohort", str(extra), "--quiet", "--ignore-column", "Patient ID")
    assert done.errors() == ["onconav: error: --ignore-column: 'Patient ID' is the column of "
                             "each person's id, which every row needs; it cannot be "
                             "ignored"]  # fmt: skip
    # a column the input does not have (mistyped, or another export's) is refused, never named
    # in the summary as ignored
    for source, keys in ((extra, ""), (ndjson, " (the keys of its rows)")):
        done = run_cli("cohort", str(source), "--quiet", "--out", str(tmp_path / "n.parquet"),
                       "--ignore-column", "mrn", "--ignore-column", "nmae")  # fmt: skip
        assert done.status == 2
        assert done.errors() == [f"onconav: error: --ignore-column: 'nmae' is not a column of "
                                 f"INPUT; its columns{keys}: 'patient_id', "
                                 + ("'MRN', 'cancer', 'stage', 'Name'" if not keys else
                                    "'mrn', 'cancer', 'stage'")], done.stderr


def _loaded(source: Path, fmt: str) -> tuple[list[str], list[tuple[int, str | None, str]]]:
    """The patient_ids answered, by row, and the quarantine (row, patient_id, reason) of
    ``source`` as ``load`` reads it."""
    con = connect()
    try:
        load(con, source, fmt, KB)
        ids = [str(p) for (p,) in con.execute("SELECT person_id FROM facts ORDER BY _row")
               .fetchall()]  # fmt: skip
        bad = con.execute("SELECT row, patient_id, reason FROM quarantine ORDER BY row").fetchall()
    finally:
        con.close()
    return ids, [(int(r), p, str(why)) for r, p, why in bad]


def test_a_number_in_ndjson_is_read_as_its_text(tmp_path: Path) -> None:
    """A patient_id given as a JSON number is its text as written, by every engine: DuckDB had
    typed the column DOUBLE when one id was a decimal or wider than 64 bits, so 1 was '1.0' and
    99999999999999999998 the same as 99999999999999999999 (quarantined as row 3's). CSV and
    Parquet text ids are kept as written ('007', '1e3')."""
    for numbers in (["12345678901234567", "1", "99999999999999999999", "99999999999999999998"],
                    ["12345678901234567", "12345678901234568", "2.5"]):  # fmt: skip
        source = tmp_path / "ids.ndjson"
        source.write_text("".join(f'{{"patient_id": {n}, "cancer": "stomach"}}\n'
                                  for n in numbers))  # fmt: skip
        for engine in ENGINES:
            done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
            assert done.loaded.quarantined == 0, engine
            assert {p for p, *_ in answers(tmp_path / f"{engine}.parquet")} == set(numbers)
    source = tmp_path / "ids.csv"
    source.write_text("patient_id,cancer\n007,stomach\n1e3,stomach\n7,stomach\n1000,stomach\n")
    assert _loaded(source, "csv") == (["007", "1e3", "7", "1000"], [])
    parquet = tmp_path / "ids.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (FROM read_csv('{source}', all_varchar=true)) TO '{parquet}' "
                    "(FORMAT parquet)")  # fmt: skip
    assert _loaded(parquet, "parquet") == (["007", "1e3", "7", "1000"], [])


def test_a_nan_of_a_number_column_is_not_known(tmp_path: Path) -> None:
    """A Parquet column of numbers writes a blank as NaN (pandas does): it was refused ("stage:
    NaN is not accepted") and the row quarantined, where the text "nan" is one of the words for
    not known. NaN is no value, as a blank is; Infinity is still refused; the engines agree, and
    with ``onconav options`` for the row without it."""
    source = tmp_path / "numbers.parquet"
    with duckdb.connect() as con:
        con.execute("COPY (SELECT * FROM (VALUES ('a', 'stomach', 4.0::DOUBLE, 'nan'::DOUBLE, "
                    "'nan'::FLOAT), ('b', 'rectum', 'nan'::DOUBLE, 1.0::DOUBLE, 'inf'::FLOAT)) "
                    "t(patient_id, cancer, stage, resectable, kras)) "
                    f"TO '{source}' (FORMAT parquet)")  # fmt: skip
    found = {}
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine,
                   quarantine=tmp_path / f"{engine}.quarantine.csv")  # fmt: skip
        assert (done.loaded.answered, done.loaded.quarantined) == (1, 1), engine
        [(row, pid, reason)] = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert (row, pid) == (2, "b") and reason.startswith("kras: Infinity"), reason
        found[engine] = answers(tmp_path / f"{engine}.parquet")
    assert found["duckdb"] == found["python"]
    alone = evaluate(parse_profile({"cancer": "stomach", "stage": 4}, KB), KB)
    assert {(o, s) for _, o, s, *_ in found["duckdb"]} == {
        (o.id, o.status.value) for o in alone.options}  # fmt: skip


JSON_NUMBERS = st.one_of(st.integers(-(10**30), 10**30).map(str),
                         st.floats(allow_nan=False, allow_infinity=False).map(repr),
                         st.decimals(allow_nan=False, allow_infinity=False).map(str))  # fmt: skip


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(numbers=st.lists(JSON_NUMBERS, min_size=1, max_size=6, unique=True),
       key=st.sampled_from(["patient_id", "Patient ID"]), bad_line=st.booleans())  # fmt: skip
def test_distinct_numbers_in_ndjson_are_distinct_ids_as_written(
    tmp_path: Path, numbers: list[str], key: str, bad_line: bool
) -> None:
    """Any JSON numbers given as patient_ids (integers past 64 bits, floats, decimals with
    trailing zeros) are answered under their text as written, never merged; also when a line
    cannot be read and the others are read one by one, their keys renamed (``Patient ID``).
    An integer written as a float (``1.0``, ``-3.00``) is the integer (``table.whole_id``), as
    in every format: a second row of it is said to be the same as the first, never answered
    twice. One in scientific notation with a ``+`` (``1e+16``), whose digits may be lost, is
    quarantined saying so, as in every format (``table.SCIENTIFIC``)."""
    source = tmp_path / "ids.ndjson"
    lines = [f'{{"{key}": {n}, "cancer": "stomach"}}' for n in numbers]
    source.write_text("\n".join(lines + (["[]"] if bad_line else [])) + "\n")
    ids, bad = _loaded(source, "ndjson")
    lost = [n for n in numbers if re.fullmatch(table.SCIENTIFIC, n)]
    first: dict[str, int] = {}
    expected = []
    for row, n in enumerate(numbers, 1):
        if n in lost:
            expected.append((row, None, SCIENTIFIC_ID.format(repr(n))))
        elif table.whole_id(n) in first:
            expected.append((row, table.whole_id(n),
                             f"patient_id: the same as row {first[table.whole_id(n)]}"))
        else:
            first[table.whole_id(n)] = row
    assert ids == list(first)
    last = len(numbers) + 1
    assert bad == expected + (
        [(last, None, f"line {last}: not a JSON object (an array)")] if bad_line else [])


@pytest.mark.parametrize("bad_line", [False, True])
def test_ids_minus_zero_and_zero_are_two_patients(tmp_path: Path, bad_line: bool) -> None:
    """A patient_id -0 is read as written, never as 0 (DuckDB's reading of a file with no bad
    line made -0 and 0 one patient, and the line-by-line reading two), by every engine."""
    source = tmp_path / "ids.ndjson"
    source.write_text('{"patient_id": -0, "cancer": "stomach"}\n'
                      '{"patient_id": 0, "cancer": "stomach"}\n' + ("[]\n" if bad_line else ""))
    assert _loaded(source, "ndjson")[0] == ["-0", "0"]
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.answered, done.loaded.quarantined) == (2, int(bad_line)), engine
        assert {p for p, *_ in answers(tmp_path / f"{engine}.parquet")} == {"-0", "0"}


def test_text_starting_with_a_control_character_is_read_as_text(tmp_path: Path) -> None:
    """A text value starting with \\x01 (the mark of a value that is not text) was taken for that
    mark: a traceback (JSONDecodeError) for a stage '\\x01{', and a patient_id '\\x01abc'
    quarantined as 'not text (abc)'. It is text, read as ``onconav options`` reads it, by every
    engine, in CSV and in NDJSON."""
    source = tmp_path / "ctl.csv"
    source.write_text("patient_id,cancer,stage,symptoms\nX1,stomach,\x01{,\nX2,stomach,4,\x01[\n"
                      "\x01abc,stomach,4,\n\x02b,stomach,\x024,\x00pain\n")  # fmt: skip
    ndjson = tmp_path / "ctl.ndjson"
    ndjson.write_text("".join(json.dumps(r) + "\n" for r in [
        {"patient_id": "X1", "cancer": "stomach", "stage": "\x01{"},
        {"patient_id": "X2", "cancer": "stomach", "stage": "4", "symptoms": ["\x01["]},
        {"patient_id": "\x01abc", "cancer": "stomach", "stage": "4"},
        {"patient_id": "\x02b", "cancer": "stomach", "stage": "\x024", "symptoms": "\x00pain"}]))
    expected = [(1, "X1", _refused({"cancer": "stomach", "stage": "\x01{"})),
                (2, "X2", _refused({"cancer": "stomach", "stage": "4", "symptoms": ["\x01["]})),
                (4, "\x02b", _refused({"cancer": "stomach", "stage": "\x024",
                                       "symptoms": ["\x00pain"]}))]  # fmt: skip
    for path in (source, ndjson):
        for engine in ENGINES:
            out = tmp_path / f"{engine}.parquet"
            done = run(KB, path, out, engine=engine)
            found = quarantined(tmp_path / f"{engine}.quarantine.csv")
            assert [(r, p, why) for r, p, why in found] == [e for e in expected if e[2]], engine
            assert {p for p, *_ in answers(out)} == {"\x01abc"} | {
                p for _, p, why in expected if why is None}, (path.name, engine)  # fmt: skip
            assert done.loaded.rows == 4


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(rows=st.lists(st.tuples(st.text("\x00\x01\x02a ", max_size=3),
                               st.text("\x00\x01\x02{[\"4IVx ", max_size=4)),
                     min_size=1, max_size=5),
       fmt=st.sampled_from(["csv", "ndjson"]))  # fmt: skip
def test_any_text_is_read_as_onconav_options_reads_it(
    tmp_path: Path, rows: list[tuple[str, str]], fmt: str
) -> None:
    """Whatever characters a text starts with (the marks of no value, \\x00, and of a value not
    text, \\x01), a row's patient_id is its text and its stage is read or refused as
    ``onconav options`` reads it: never a traceback, never taken for another value."""
    people = [(f"{prefix}{i}", stage) for i, (prefix, stage) in enumerate(rows)]
    source = tmp_path / f"people.{fmt}"
    if fmt == "csv":
        source.write_text("patient_id,cancer,stage\n" + "".join(
            f'"{p}",stomach,"{s.replace(chr(34), chr(34) * 2)}"\n' for p, s in people))
    else:
        source.write_text("".join(json.dumps({"patient_id": p, "cancer": "stomach", "stage": s})
                                  + "\n" for p, s in people))  # fmt: skip
    ids, bad = _loaded(source, fmt)
    expected = [(i + 1, p.strip(" "), _refused({"cancer": "stomach", "stage": s.strip(" ")}
                                                if s.strip(" ") else {"cancer": "stomach"}))
                for i, (p, s) in enumerate(people)]  # fmt: skip
    assert bad == [e for e in expected if e[2] is not None]
    assert ids == [p for _, p, why in expected if why is None]


def test_an_item_with_commas_numbers_the_items_after_it_as_options_does(tmp_path: Path) -> None:
    """``liver;pain, nausea`` is three items to the core (it splits an item at its commas):
    'pain' is item 1 and 'nausea' item 2, as ``onconav options`` says; the duckdb engine said
    item 1 twice, as the item's place, not the piece's."""
    source = tmp_path / "comma.csv"
    source.write_text('patient_id,cancer,metastases\nC1,rectum,"liver;pain, nausea"\n'
                      'C2,rectum,"liver, lung;bone"\nC3,rectum,"pain, nausea;liver;xyzzy"\n')
    expected = [(1, "C1", _refused({"cancer": "rectum", "metastases": ["liver", "pain, nausea"]})),
                (3, "C3", _refused({"cancer": "rectum",
                                    "metastases": ["pain, nausea", "liver", "xyzzy"]}))]
    assert "metastases[2]: 'nausea'" in str(expected[0][2])
    assert "metastases[3]: 'xyzzy'" in str(expected[1][2])
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert done.loaded.answered == 1, engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == expected, engine


LIST_WORDS = ("pain", "nausea", "bleeding", "xyzzy", "qq", "pain (bone)")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(lists=st.lists(st.lists(st.lists(st.sampled_from(LIST_WORDS), min_size=1, max_size=3)
                               .map(", ".join), min_size=1, max_size=4),
                      min_size=1, max_size=4))  # fmt: skip
def test_a_lists_problems_are_numbered_as_options_numbers_them(
    tmp_path: Path, lists: list[list[str]]
) -> None:
    """Items given ``;``-separated, some holding commas (which the core splits at): each row is
    refused with the reason ``onconav options`` gives for the same items, or read."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,symptoms\n" + "".join(
        f'p{i},rectum,"{"; ".join(items)}"\n' for i, items in enumerate(lists)))
    ids, bad = _loaded(source, "csv")
    expected = [(i + 1, f"p{i}", _refused({"cancer": "rectum", "symptoms": items}))
                for i, items in enumerate(lists)]  # fmt: skip
    assert bad == [e for e in expected if e[2] is not None]
    assert ids == [p for _, p, why in expected if why is None]


@pytest.mark.parametrize(("name", "text", "ignore", "said"), [
    ("p.ndjson", '{"id": "1", "cancer": "rectum"}\n', (),
     "if it holds the people's ids, name it patient_id; or leave it out with --ignore-column 'id'"),
    ("p.ndjson", '{"id": "1", "cancer": "rectum"}\n', ("id",),
     "name the column (an NDJSON row's key) of the people's ids patient_id ('id'?)"),
    ("p.csv", "MRN,cancer\n1,rectum\n", (),
     "name the column of the people's ids patient_id in the header row (the first line)"),
    ("p.csv", "MRN,cancer,patient_id\n1,rectum,1\n", (),  # the ids are there
     "hormone_sensitive; or leave it out with --ignore-column 'MRN'"),
    ("p.csv", "histology,cancer,patient_id\nx,rectum,1\n", (),
     "hormone_sensitive; or leave it out with --ignore-column 'histology'"),
    # an NDJSON row that gives its patient_id too: as the CSV file above (it had been told to
    # name 'MRN' patient_id, a second one)
    ("p.ndjson", '{"MRN": "1", "cancer": "rectum", "patient_id": "1"}\n', (),
     "hormone_sensitive; or leave it out with --ignore-column 'MRN'"),
])  # fmt: skip
def test_a_column_of_the_peoples_ids_is_told_to_be_named_patient_id(
    tmp_path: Path, name: str, text: str, ignore: tuple[str, ...], said: str
) -> None:
    """NDJSON whose rows give their ids as "id" was told to leave "id" out with --ignore-column;
    done, the run said only that there is no patient_id column (a review of the cohort). A
    column that may hold the ids is told to be named patient_id; another is still told to be
    left out."""
    source = tmp_path / name
    source.write_text(text)
    with pytest.raises(CohortError) as refused:
        run(KB, source, tmp_path / "out.parquet", ignore=ignore)
    assert str(refused.value).endswith(said), str(refused.value)


FACT_IDS = [f for f, kind in table.input_columns(KB).items() if kind != "id"]


@settings(max_examples=150, deadline=None)
@given(fact=st.sampled_from(FACT_IDS),
       before=st.sampled_from(["", "latest ", "pt_", "Primary-", "last "]),
       after=st.sampled_from([" status", " result", "_value", " at diagnosis", "-Result", ""]),
       joint=st.sampled_from([" ", "_", "-"]), case=st.sampled_from([str.lower, str.upper,
                                                                      str.title]))  # fmt: skip
@example(fact="progressed_on", before="", after="", joint="-", case=str.lower)
def test_a_column_that_holds_a_facts_name_is_told_to_be_named_so(
    fact: str, before: str, after: str, joint: str, case: Any
) -> None:
    """A column whose name holds a fact's as a word (``HER2 status``, ``KRAS Result``, ``Stage
    at diagnosis``), in any case, with spaces, underscores or hyphens, is said to hold that fact
    and told to be named so; it is never offered --ignore-column (left out, its values are
    dropped: a HER2-positive patient had been listed as a HER2 gap)."""
    name = case(before + fact.replace("_", joint) + after)
    if table._fact_name(name) == fact:  # the fact's own name: read as it
        return
    with pytest.raises(CohortError) as refused:
        table._columns(["patient_id", name], table.input_columns(KB))
    said = str(refused.value)
    assert said == f"INPUT: column {name!r} seems to hold {fact}: name it {fact}", said
    assert "--ignore-column" not in said
    # beside a column of that fact's own name, it is not that fact (``Cancer centre`` beside
    # ``cancer``): it may be left out
    with pytest.raises(CohortError) as refused:
        table._columns(["patient_id", fact, name], table.input_columns(KB))
    assert str(refused.value).endswith(f"; or leave it out with --ignore-column {name!r}")


def test_a_column_of_a_test_result_is_not_offered_to_be_left_out(
    run_cli: Run, tmp_path: Path
) -> None:
    """The review's example: 'HER2 status' and 'KRAS Result' were each offered --ignore-column,
    one per run; followed, the HER2-positive patient was listed as a HER2 gap. Both are said in
    one error, each with the fact it holds, in CSV and NDJSON."""
    source = tmp_path / "h.csv"
    source.write_text("patient_id,cancer,stage,HER2 status,KRAS Result\n1,stomach,4,positive,\n"
                      "2,rectum,4,,wild-type\n")  # fmt: skip
    done = run_cli("cohort", str(source), "--quiet", "--out", str(tmp_path / "x.parquet"))
    assert done.status == 2
    assert done.errors() == [
        "onconav: error: INPUT: column 'HER2 status' seems to hold her2: name it her2",
        "onconav: error: INPUT: column 'KRAS Result' seems to hold kras: name it kras"]
    lines = tmp_path / "h.ndjson"
    lines.write_text('{"patient_id": "1", "cancer": "stomach", "HER2 status": "positive"}\n')
    done = run_cli("cohort", str(lines), "--quiet", "--out", str(tmp_path / "y.parquet"))
    assert done.errors() == ["onconav: error: INPUT: cannot be read as ndjson: no row can be "
                             "read; line 1: 'HER2 status' seems to hold her2: name it her2"]


# An analyst's export's headers for a fact, each with the fact it holds (a review of the cohort:
# each of these had been offered --ignore-column, the fact's values then dropped)
EXPORT_HEADERS = [
    ("HER2 status", "her2"), ("HER2 IHC", "her2"), ("her2_result", "her2"), ("ERBB2", "her2"),
    ("FISH result", "her2"), ("KRAS Result", "kras"), ("RAS status", "kras"),
    ("ras_mutation", "kras"), ("KRAS mutation status", "kras"), ("ER status", "hormone_sensitive"),
    ("PR status", "hormone_sensitive"), ("HR status", "hormone_sensitive"),
    ("hormone receptor status", "hormone_sensitive"), ("ER/PR", "hormone_sensitive"),
    ("Hormone_Receptor", "hormone_sensitive"), ("oestrogen receptor", "hormone_sensitive"),
    ("Estrogen Receptor Status", "hormone_sensitive"), ("metastatic_sites", "metastases"),
    ("Metastasis sites", "metastases"), ("sites of spread", "metastases"),
    ("mets", "metastases"), ("FIGO", "stage"), ("FIGO stage", "stage"), ("TNM", "stage"),
    ("Stage at diagnosis", "stage"), ("staging", "stage"),
    ("previous treatments", "prior_treatments"), ("prior_therapies", "prior_treatments"),
    ("treatment history", "prior_treatments"), ("Prior Treatment", "prior_treatments"),
    ("past therapies", "prior_treatments"), ("symptom list", "symptoms"),
    ("Primary cancer", "cancer"), ("recurrence status", "recurrence"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fact"), EXPORT_HEADERS)
def test_an_export_header_that_holds_a_fact_is_never_offered_to_be_left_out(
    name: str, fact: str
) -> None:
    """Each realistic header of a fact is read as that fact, or refused naming the fact it
    seems to hold, and never offered --ignore-column; in a CSV header row and as an NDJSON
    row's key."""
    kinds = table.input_columns(KB)
    if table._fact_name(name) == fact:
        return
    with pytest.raises(CohortError) as refused:
        table._columns(["patient_id", name], kinds)
    said = str(refused.value)
    assert said == f"INPUT: column {name!r} seems to hold {fact}: name it {fact}", said
    key, ignorable = table._not_a_fact(name, kinds)
    assert not ignorable and f"seems to hold {fact}" in key, key


@pytest.mark.parametrize("name", ["Fish allergy", "spread sheet", "spread_sheet_row",
                                  "ER visits", "previous_visit", "staging_date"])
def test_a_header_that_only_shares_a_word_with_a_facts_name_holds_no_fact(name: str) -> None:
    """"Fish allergy" had been said to seem to hold her2, and "spread sheet" metastases (a review
    of the change): a word alone that names other things too is no fact's other name."""
    said, _ = table._not_a_fact(name, table.input_columns(KB))
    assert "seems to hold" not in said, said


def test_every_name_of_a_test_that_decides_a_fact_is_held_as_that_fact() -> None:
    """The knowledge base's names of the tests that decide a fact (``decided_by``: ``HER2
    test``, ``FISH test``, ``KRAS mutation status``, ...) are each held as that fact: a column
    so named is refused naming the fact, never offered --ignore-column."""
    kinds = table.input_columns(KB)
    tests = {t.id: t for t in KB.data.tests}
    checked = 0
    for fact in KB.facts.values():
        for test_id in dict.fromkeys([*fact.decided_by, *(t for v in fact.values
                                                          for t in v.decided_by)]):
            for name in (tests[test_id].name, *tests[test_id].aliases):
                if table._fact_name(name) == fact.id:
                    continue
                said, ignorable = table._not_a_fact(name, kinds)
                assert not ignorable and said == (f"seems to hold {fact.id}: name it "
                                                  f"{fact.id}"), (name, said)  # fmt: skip
                checked += 1
    assert checked >= 8


def test_every_column_that_is_no_fact_is_named_in_one_error(run_cli: Run, tmp_path: Path) -> None:
    """An export with MRN and Notes columns: the first run named only MRN, and --ignore-column
    MRN then stopped on Notes. Every such column is named, a line each, with its own advice;
    so are an NDJSON file's keys."""
    source = tmp_path / "m.csv"
    source.write_text("patient_id,MRN,cancer,Notes,stgae\n1,a,stomach,x,4\n")
    done = run_cli("cohort", str(source), "--quiet", "--out", str(tmp_path / "x.parquet"))
    assert done.status == 2
    errors = done.errors()
    assert len(errors) == 3, errors
    assert errors[0].endswith("; or leave it out with --ignore-column 'MRN'")
    assert errors[1].startswith("onconav: error: INPUT: column 'Notes' is not a fact")
    assert errors[1].endswith("; or leave it out with --ignore-column 'Notes'")
    assert errors[2] == ("onconav: error: INPUT: column 'stgae' is not a fact; did you mean "
                         "'stage'? name the column so")  # fmt: skip
    lines = tmp_path / "m.ndjson"
    lines.write_text('{"patient_id": "1", "mrn": "a", "cancer": "stomach"}\n'
                     '{"patient_id": "2", "notes": "b", "cancer": "stomach", "mrn": "c"}\n')
    done = run_cli("cohort", str(lines), "--quiet", "--out", str(tmp_path / "y.parquet"))
    assert [e.split(" is not")[0] for e in done.errors()] == [
        f"onconav: error: INPUT: cannot be read as ndjson: no row can be read; line {n}: {k}"
        for n, k in ((1, "'mrn'"), (2, "'notes'"))]
    assert [e.rsplit(" ", 1)[1] for e in done.errors()] == ["'mrn'", "'notes'"]
    lines.write_text('{"patient_id": "1", "mrn": "a", "notes": "b", "cancer": "stomach"}\n'
                     '{"patient_id": "2", "cancer": "stomach"}\n')
    out = tmp_path / "z.parquet"
    run(KB, lines, out)
    ((row, who, why),) = quarantined(tmp_path / "z.quarantine.csv")
    assert (row, who) == (1, "1")
    assert why.startswith("line 1: 'mrn' is not a fact; accepted: ") and "; 'notes' is not" in why


def test_an_ndjson_row_with_a_key_that_may_be_left_out_is_told_how(tmp_path: Path) -> None:
    """A row quarantined for a key that is no fact's (``mrn``) is told about --ignore-column, as
    a CSV file's column is (it was only told the accepted keys); a key that holds a fact
    (``HER2 status``) is not. Done, the row is read."""
    source = tmp_path / "m.ndjson"
    source.write_text('{"patient_id": "1", "cancer": "stomach", "mrn": "a"}\n'
                      '{"patient_id": "2", "cancer": "stomach", "HER2 status": "positive"}\n'
                      '{"patient_id": "3", "cancer": "stomach"}\n')  # fmt: skip
    out = tmp_path / "out.parquet"
    run(KB, source, out)
    (mrn, her2) = quarantined(tmp_path / "out.quarantine.csv")
    assert mrn[2].startswith("line 1: 'mrn' is not a fact; accepted: patient_id, ")
    assert mrn[2].endswith("; or leave it out with --ignore-column 'mrn'"), mrn
    assert her2[2] == "line 2: 'HER2 status' seems to hold her2: name it her2"
    done = run(KB, source, tmp_path / "again.parquet", ignore=("mrn",))
    assert (done.loaded.answered, done.loaded.quarantined) == (2, 1)


@pytest.mark.parametrize(("line", "said"), [
    ('{"patient_id": "x", "cancer": ', "not JSON (Expecting value at column 30)"),
    ("{oops", "not JSON (Expecting property name enclosed in double quotes at column 2)"),
    ('{"patient_id": "x", "stage": Infinity}',
     "is not valid JSON: Infinity is no JSON value (JSON has no NaN or Infinity)"),
    ('{"patient_id": "x", "stage": ' + "9" * 5000 + "}",
     "holds a value that cannot be read (Exceeds the limit (4300 digits) for integer string "
     "conversion)"),
])  # fmt: skip
def test_an_ndjson_line_that_is_not_json_says_where_and_why(tmp_path: Path, line: str,
                                                            said: str) -> None:  # fmt: skip
    """A line that cannot be read as JSON says why, as a FHIR folder's line does (the parser's
    message and column; ``reading.why_not_json``): it said only "not JSON", a number of 5,000
    digits, which is JSON, included."""
    source = tmp_path / "p.ndjson"
    source.write_text(json.dumps(PEOPLE[0]) + "\n" + line + "\n{}x\n")  # read line by line
    run(KB, source, tmp_path / "out.parquet")
    assert quarantined(tmp_path / "out.quarantine.csv")[0] == (2, None, f"line 2: {said}")


@pytest.mark.parametrize("key", ["stage", "metastases"])
def test_a_number_too_long_for_python_is_quarantined_not_a_traceback(tmp_path: Path,
                                                                     key: str) -> None:
    """A value of 5,000 digits in a file DuckDB reads whole is quarantined naming its column;
    it stopped the run with a traceback (Python's JSON reader refuses over 4,300 digits)."""
    source = tmp_path / "p.ndjson"
    source.write_text(json.dumps(PEOPLE[0]) + '\n{"patient_id": "x", "cancer": "stomach", '
                      f'"{key}": ' + "9" * 5000 + "}\n")  # fmt: skip
    done = run(KB, source, tmp_path / "out.parquet")
    assert (done.loaded.rows, done.loaded.quarantined) == (2, 1)
    ((row, who, why),) = quarantined(tmp_path / "out.quarantine.csv")
    assert (row, who) == (2, "x") and why.startswith(key), why


EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))


def test_the_profiles_biomarkers_object_is_read_as_onconav_options_reads_it(
    tmp_path: Path,
) -> None:
    """The examples with ``biomarkers`` (the profile's and the API's shape), one a line with a
    patient_id, are answered as ``onconav options --profile`` answers each, by every engine
    (the lines had been quarantined: "'biomarkers' is not a fact")."""
    profiles = {p.stem: json.loads(p.read_text()) for p in EXAMPLES}
    profiles = {k: v for k, v in profiles.items() if "biomarkers" in v}
    assert profiles
    source = tmp_path / "examples.ndjson"
    source.write_text("".join(json.dumps({"patient_id": k, **v}) + "\n"
                              for k, v in profiles.items()))  # fmt: skip
    expected = {(who, o.id, o.status.value) for who, data in profiles.items()
                for o in evaluate(parse_profile(data, KB), KB).options}  # fmt: skip
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        done = run(KB, source, out, engine=engine)
        assert done.loaded.quarantined == 0, quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert {(p, o, s) for p, o, s, *_ in answers(out)} == expected, engine


def test_a_test_result_given_in_biomarkers_and_at_the_top_level(tmp_path: Path) -> None:
    """The same result in ``biomarkers`` (keys in any case) and at the top level is one (``3+``
    and ``positive`` too); two that differ quarantine the row naming both; null or a word for
    not known gives none; a key of it that is no test result is named."""
    source = tmp_path / "b.ndjson"
    source.write_text(
        '{"patient_id": "a", "cancer": "stomach", "stage": "4", "Biomarkers": {"HER2": "3+"}, '
        '"her2": "positive"}\n'
        '{"patient_id": "b", "cancer": "stomach", "stage": "4", "biomarkers": {"her2": '
        '"negative"}, "HER2": "positive"}\n'
        '{"patient_id": "c", "cancer": "stomach", "biomarkers": {"her2": "x", "egfr": "y"}}\n'
        '{"patient_id": "d", "cancer": "stomach", "stage": "4", "biomarkers": "not tested"}\n'
        '{"patient_id": "e", "cancer": "rectum", "stage": "4", "biomarkers": {"KRAS": null}, '
        '"kras": "G12D"}\n')  # fmt: skip
    with connect() as con:
        load(con, source, "ndjson", KB)
        facts = dict(con.execute("SELECT person_id, [her2, kras] FROM facts").fetchall())
        bad = con.execute("SELECT patient_id, reason FROM quarantine ORDER BY row").fetchall()
    assert facts == {"a": ["positive", None], "d": [None, None], "e": [None, "mutated"]}
    assert bad == [
        ("b", "line 2: her2 is given twice, as 'biomarkers.her2' 'negative' and 'HER2' "
              "'positive': which is right cannot be known; give it once"),
        ("c", "line 3: 'biomarkers.egfr' is not a test result; accepted: her2, kras")]



@pytest.mark.parametrize("header", ["her2_test_date", "kras_codon", "recurrence_date",
                                    "metastases_count", "symptom_onset_date", "Symptoms notes",
                                    "progressed_on_date", "planned_date"])  # fmt: skip
def test_a_column_about_a_fact_may_be_left_out(header: str) -> None:
    """A column about a fact, not the fact (a date, a count, notes), was told to be named as the
    fact, and not offered --ignore-column: followed, every row was quarantined (a review of the
    change). It may be left out, and is said to be about the fact."""
    from onconav.cohort import CohortError
    from onconav.cohort.table import _columns, input_columns

    kinds = input_columns(KB)
    with pytest.raises(CohortError) as raised:
        _columns(["patient_id", "cancer", "stage", header], kinds)
    said = str(raised.value)
    assert "seems to be about" in said and f"--ignore-column {header!r}" in said, said


def test_a_column_holding_two_facts_given_by_their_own_columns_may_be_left_out() -> None:
    """'cancer_stage' beside 'cancer' and 'stage' was told to be named stage (the facts given by
    other columns were read once, from an iterator, and only the first was set aside)."""
    from onconav.cohort import CohortError
    from onconav.cohort.table import _columns, input_columns

    with pytest.raises(CohortError) as raised:
        _columns(["patient_id", "cancer", "stage", "cancer_stage"], input_columns(KB))
    assert "--ignore-column 'cancer_stage'" in str(raised.value), str(raised.value)


@pytest.mark.parametrize(("command", "option"), [
    ((), "--out"), ((), "--quarantine"), (("gaps",), "--out"), (("gaps",), "--quarantine"),
    (("--format", "csv"), "--out"), (("demo",), "--out")])  # fmt: skip
def test_a_dash_for_a_file_is_refused(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...],
    option: str,
) -> None:  # fmt: skip
    """``-``, which elsewhere means standard input or output, as a cohort's --out or
    --quarantine had written files named ``-``, ``-.quarantine.csv`` and ``-.summary.json``: a
    cohort's outputs are files, so it is refused, one line naming the option and what is
    accepted, exit status 2, and nothing is written."""
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage\na,stomach,4\n")
    given = () if command == ("demo",) else (str(source), "--quiet")
    done = run("cohort", *command, *given, option, "-")
    accepted = "a .csv file" if option == "--quarantine" else \
        "a file ending .parquet, .csv or .ndjson"  # fmt: skip
    assert done.status == 2, done.stderr
    assert done.errors() == [f"onconav: error: {option}: '-' (standard output) is not accepted: "
                             "onconav cohort writes files (the result, with its quarantine and "
                             f"summary beside it); give {accepted}"]  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv"]


@pytest.mark.parametrize(("text", "says"), [
    (b"sep=,\r\npatient_id,cancer,stage\r\nP1,stomach,4\r\n",
     "INPUT: the first line, 'sep=,', is Excel's note of the separator, not a header row; "
     "remove that line, so that the header row naming the columns (patient_id, cancer, stage, "
     "...) is the first"),
    (b"\xef\xbb\xbfSEP=;\npatient_id;cancer\n", "INPUT: the first line, 'SEP=;', is Excel's note"),
    (b"\npatient_id,cancer,stage\nP1,stomach,4\n",
     "INPUT: cannot be read as csv: the first line is blank; a CSV file's first line is its "
     "header row, naming its columns: remove the blank lines before it"),
    (b"\xef\xbb\xbf", "INPUT: 'people.csv' has only blank lines; it needs a header row and rows "
     "of people"),
    (b"\r\n\r\n", "INPUT: 'people.csv' has only blank lines; it needs a header row"),
])  # fmt: skip
def test_a_first_line_that_is_a_separator_note_or_blank_is_said_as_it_is(
    tmp_path: Path, text: bytes, says: str
) -> None:
    """Excel's ``sep=,`` line before the header row, a blank line before it, and a file of a byte
    order mark or blank lines only are each said as what they are: they had all been "the first
    line does not look like a header row: no name in it is a fact's; ... if the file has no
    header row, add one" or "the first line is not a header row", of a file that has one."""
    source = tmp_path / "people.csv"
    source.write_bytes(text)
    with pytest.raises(CohortError) as refused:
        load(connect(), source, "csv", KB)
    assert str(refused.value).replace(str(tmp_path) + "/", "").startswith(says)


SCIENTIFIC_ID = ("patient_id: {} is a number in scientific notation (as Excel writes a long "
                 "number in a CSV file): its last digits may be lost, and other patients' ids "
                 "may read the same; give the ids as text (in Excel, format the column as Text "
                 "before the ids are entered or opened)")  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "parquet"])
def test_an_id_excel_wrote_in_scientific_notation_is_no_patient(tmp_path: Path, fmt: str) -> None:
    """Excel writes a long MRN in a cell not formatted as text as ``1.23457E+11``: its last
    digits are lost, and two patients become one id. Such rows are quarantined with the reason,
    in every engine and format; they had been answered under the mangled id, and a second
    patient of the same id and facts quarantined as "the same as row 1" (dropped as a copy).
    A letter code with no ``+`` (``1E3``) is an id."""
    rows = [("1.23457E+11", "stomach", "positive"), ("1.23457E+11", "stomach", "positive"),
            ("1E+12", "rectum", None), ("1E3", "stomach", None), ("A1", "stomach", None)]
    source = tmp_path / f"people.{fmt}"
    lines = [json.dumps({"patient_id": p, "cancer": c, "her2": h}) for p, c, h in rows]
    (tmp_path / "people.ndjson").write_text("\n".join(lines) + "\n")
    if fmt == "csv":
        source.write_text("patient_id,cancer,her2\n" + "".join(
            f"{p},{c},{h or ''}\n" for p, c, h in rows))  # fmt: skip
    elif fmt == "parquet":
        duckdb.connect().execute(f"COPY (FROM read_json('{tmp_path / 'people.ndjson'}')) "
                                 f"TO '{source}'")  # fmt: skip
    said = [(1, None, SCIENTIFIC_ID.format("'1.23457E+11'")),
            (2, None, SCIENTIFIC_ID.format("'1.23457E+11'")),
            (3, None, SCIENTIFIC_ID.format("'1E+12'"))]
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        done = run(KB, source, out, engine=engine)
        assert (done.loaded.rows, done.loaded.answered) == (5, 2), engine
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == said, engine
        assert {p for p, *_ in answers(out)} == {"1E3", "A1"}, engine


def test_a_row_with_its_patient_id_is_not_told_to_name_another_key_so(tmp_path: Path) -> None:
    """An NDJSON row quarantined for a key that is no fact's (``mrn``) is told to name it
    patient_id only if the row gives no patient_id: beside one, it had been told to name a
    second column patient_id."""
    source = tmp_path / "people.ndjson"
    source.write_text('{"patient_id": "a", "cancer": "rectum"}\n'
                      '{"patient_id": "b", "cancer": "rectum", "mrn": "5"}\n'
                      '{"cancer": "rectum", "mrn": "6"}\n')  # fmt: skip
    _, bad = _loaded(source, "ndjson")
    assert [(row, p) for row, p, _ in bad] == [(2, "b"), (3, None)]
    assert "name it patient_id" not in bad[0][2]
    assert bad[0][2].endswith("hormone_sensitive; or leave it out with --ignore-column 'mrn'")
    assert bad[1][2].endswith("if it holds the people's ids, name it patient_id; or leave it "
                              "out with --ignore-column 'mrn'")  # fmt: skip


def test_an_empty_list_is_none_and_a_null_list_not_known(tmp_path: Path) -> None:
    """As docs/cohort.md says: ``[]`` (a list with no item, in NDJSON and Parquet, or as text in
    CSV, as DuckDB writes it) and ``none`` are no symptom, deciding the options that ask; a null
    (an empty CSV cell) is not known, a symptom gap. Checks the doc, by every engine."""
    ndjson = tmp_path / "people.ndjson"
    ndjson.write_text('{"patient_id": "e1", "cancer": "stomach", "stage": "4", "symptoms": []}\n'
                      '{"patient_id": "e2", "cancer": "stomach", "stage": "4", '
                      '"symptoms": null}\n')  # fmt: skip
    parquet = tmp_path / "people.parquet"
    duckdb.connect().execute(f"COPY (FROM read_json('{ndjson}')) TO '{parquet}'")
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("patient_id,cancer,stage,symptoms\ne1,stomach,4,[]\ne2,stomach,4,\n"
                        "e3,stomach,4,none\n")  # fmt: skip
    for source in (ndjson, parquet, csv_file):
        for engine in ENGINES:
            out = tmp_path / f"{source.suffix[1:]}-{engine}.parquet"
            run(KB, source, out, engine=engine)
            gap = {p for p, _, _, _, missing, _ in answers(out) if "symptoms" in missing}
            assert gap == {"e2"}, (source.name, engine)


def test_a_test_or_word_the_sources_never_use_is_said_so_in_a_column_and_a_row(
        tmp_path: Path) -> None:  # fmt: skip
    """A column of PD-L1 results is refused saying that the sources this tool is built on do
    not use PD-L1 to decide an option (it may be left out); a row naming kidney failure among
    its symptoms is quarantined saying the same of kidney failure, by every engine."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,pd_l1,symptoms\n1,stomach,4,positive,kidney "
                      "failure\n2,stomach,4,,pain\n")  # fmt: skip
    with pytest.raises(CohortError, match="column 'pd_l1' is not a fact: the sources this tool "
                       "is built on do not use PD-L1 to decide an option; accepted: "):
        run(KB, source, tmp_path / "refused.parquet")
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine,
                   ignore=("pd_l1",))  # fmt: skip
        assert (done.loaded.rows, done.loaded.answered) == (2, 1), engine
        [(row, who, why)] = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert (row, who) == (1, "1"), engine
        assert why.startswith("symptoms[0]: 'kidney failure' is not known; the sources this tool "
                              "is built on do not use kidney failure to decide an option"), why


def test_a_column_of_hormone_receptor_results_is_read_by_every_engine(tmp_path: Path) -> None:
    """A breast cohort's hormone_sensitive column as a pathology export writes it ("positive",
    "Negative", "ER+", "ER-/PR-", "HR-positive") is answered, yes or no as the profile reads the
    same words, by DuckDB and the python engine alike; one receptor negative alone is
    quarantined saying the other decides. Every row of the first kind had been quarantined as
    no yes or no (a review), so the renaming the run asks of an "ER status" column led nowhere."""
    given = {"B1": ("positive", True), "B2": ("Negative", False), "B3": ("ER+", True),
             "B4": ("ER-/PR-", False), "B5": ("HR-positive", True), "B6": ("yes", True),
             "B7": ("ER-negative", None)}  # fmt: skip
    source = tmp_path / "breast.csv"
    source.write_text("patient_id,cancer,stage,hormone_sensitive\n" + "".join(
        f"{p},breast,4,{typed}\n" for p, (typed, _) in given.items()))
    for engine in ENGINES:
        out = tmp_path / f"breast-{engine}.csv"
        done = run(KB, source, out, engine=engine, fmt="csv")
        assert done.loaded.answered == 6, engine
        bad = quarantined(tmp_path / f"breast-{engine}.quarantine.csv")
        assert [(row, p) for row, p, _ in bad] == [(7, "B7")], (engine, bad)
        assert "needs the other one too (ER and PR)" in bad[0][2], bad
    with connect() as con:
        load(con, source, "csv", KB)
        read = dict(con.execute("SELECT person_id, hormone_sensitive FROM facts").fetchall())
    assert read == {p: value for p, (_, value) in given.items() if value is not None}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(cancers=st.lists(st.one_of(
    st.sampled_from(["stomach", "rectum", "cervix", "breast", "lung", "banana", "xyz",
                     "unknown", "C16.9", "rectal adenocarcinoma", ""]),
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)), min_size=1, max_size=8))
@example(cancers=["banana", "xyz", "stomach", "lung", "banana"])
def test_the_summary_counts_cancers_no_source_names(tmp_path: Path, cancers: list[str]) -> None:
    """Any word is read as a cancer the sources do not name, answered as advanced cancer in
    general (review17 item 12: ``banana``); the summary's ``other_cancers`` counts such
    patients answered and names them, by every engine, so an analyst spots junk in the cancer
    column. The reference: each row read alone (``facts_of``), its site none of the knowledge
    base's cancers."""
    from onconav.profile import facts_of

    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage\n" + "".join(
        f'P{i},"{c}",4\n' for i, c in enumerate(cancers)), encoding="utf-8")  # fmt: skip
    known = KB.vocabulary.known("cancer")
    expected: dict[str, int] = {}
    for c in cancers:
        try:
            site = facts_of(parse_profile({"cancer": c, "stage": "4"}, KB), KB).site
        except ProfileError:
            continue
        if site not in known:
            expected[site] = expected.get(site, 0) + 1
    for engine in ENGINES:
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        said = done.summary["other_cancers"]
        assert said == {"patients": sum(expected.values()),
                        "names": dict(sorted(expected.items(), key=lambda kv: (-kv[1], kv[0])))}
    if "banana" in cancers:
        assert said["names"]["banana cancer"] >= 1
