"""Snapshots: a knowledge base validated once is kept and read back, and never stands in for
different data or code."""

from __future__ import annotations

from pathlib import Path

import pytest

from onconav.kb import KBError, load_kb
from onconav.kb import load as kb_load
from onconav.kb.load import cache_dir, data_dir, data_files
from test_kb_load import copy_data, edit


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("ONCONAV_CACHE_DIR", str(where))
    monkeypatch.delenv("ONCONAV_NO_CACHE", raising=False)
    return where


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the YAML was parsed although a snapshot was there")

    monkeypatch.setattr(kb_load, "read_files", refuse)


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONCONAV_NO_CACHE", raising=False)
    monkeypatch.setenv("ONCONAV_CACHE_DIR", "/somewhere/else")
    assert cache_dir() == Path("/somewhere/else")
    monkeypatch.delenv("ONCONAV_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert cache_dir() == Path("/xdg/onconav")
    monkeypatch.setenv("ONCONAV_NO_CACHE", "1")
    assert cache_dir() is None


def test_a_load_is_kept_and_read_back(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_kb()
    kept = list(cache.glob("kb-*.pickle"))
    assert len(kept) == 1
    _no_parsing(monkeypatch)
    again = load_kb()
    assert again.data == first.data
    assert again.names == first.names and again.vocabulary == first.vocabulary
    assert again.facts == first.facts and again.kind_of == first.kind_of
    assert again.memo == {}, "indexes of the layers above are built afresh, not kept"


def test_changed_data_makes_a_new_snapshot(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_data(tmp_path)
    load_kb(root)
    (before,) = cache.glob("kb-*.pickle")
    edit(root / "drugs.yaml", lambda doc: doc["drugs"][0].__setitem__("name", "Renamed drug"))
    changed = load_kb(root)
    assert changed.data.drugs[0].name == "Renamed drug"
    (after,) = cache.glob("kb-*.pickle")
    assert after != before, "the old snapshot is replaced, not kept beside the new one"


def test_a_broken_snapshot_is_ignored_and_rewritten(cache: Path) -> None:
    load_kb()
    (path,) = cache.glob("kb-*.pickle")
    path.write_bytes(path.read_bytes()[:100])  # cut short, as by a full disk
    kb = load_kb()
    assert kb.data.options
    assert path.stat().st_size > 100


def test_invalid_data_is_never_kept(cache: Path, tmp_path: Path) -> None:
    root = copy_data(tmp_path)
    edit(root / "drugs.yaml", lambda doc: doc["drugs"][0].__setitem__("colour", "red"))
    with pytest.raises(KBError):
        load_kb(root)
    assert not list(cache.glob("kb-*.pickle"))
    with pytest.raises(KBError):  # and asked again, it is checked again
        load_kb(root)


def test_no_snapshot_when_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONCONAV_NO_CACHE", "1")
    assert load_kb().data.options
    assert load_kb(snapshot=False).data.options
    assert not cache.exists()


def test_an_unwritable_cache_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("ONCONAV_CACHE_DIR", str(blocker / "cache"))
    assert load_kb().data.options
    assert load_kb().data.options


def test_the_key_covers_every_data_file_and_the_code(tmp_path: Path) -> None:
    files = [(p.relative_to(data_dir()).as_posix(), p.read_bytes()) for p in data_files()]
    key = kb_load.snapshot_key(files)
    assert key == kb_load.snapshot_key(list(files))
    for i, (name, content) in enumerate(files):
        changed = [*files[:i], (name, content + b"\n# changed\n"), *files[i + 1 :]]
        assert kb_load.snapshot_key(changed) != key, name
    renamed = [(f"x-{files[0][0]}", files[0][1]), *files[1:]]
    assert kb_load.snapshot_key(renamed) != key
    here = Path(kb_load.__file__).parent
    assert all((here / name).is_file() for name in kb_load.SNAPSHOT_CODE)
