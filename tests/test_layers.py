"""The layers hold: no import cycle, the core imports no front end, no pickle, a public API."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import onconav

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "onconav"
FRONT_ENDS = ("onconav.cli", "onconav.web", "onconav.fhir", "onconav.cdshooks", "onconav.cohort",
              "onconav.search", "onconav.__main__")  # fmt: skip


def module_name(path: Path) -> str:
    name = path.relative_to(SRC).with_suffix("").as_posix().replace("/", ".")
    return name.removesuffix(".__init__")


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str) -> set[str]:
    """The onconav modules a module imports, anywhere in it (lazy imports included)."""
    found: set[str] = set()
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
        elif isinstance(node, ast.Call) and (
            getattr(node.func, "attr", "") == "import_module"
            or getattr(node.func, "id", "") == "_LazyModule"
        ):
            found |= {a.value for a in node.args if isinstance(a, ast.Constant)}
    return {m for m in found if m in MODULES and m != name}


def test_the_import_scan_sees_lazy_imports() -> None:
    assert "onconav.kb.provenance" in imports("onconav.cli")
    assert "onconav.cli.terminal" in imports("onconav.cli")
    assert "onconav.kb.load" in imports("onconav.kb")


def test_no_import_cycle() -> None:
    """Between modules, and between the parts (kb, logic, profile, result, engine, ...). The
    top-level package only gathers the public API, and is left out."""
    graph = {m: imports(m) - {"onconav"} for m in MODULES if m != "onconav"}

    def part(module: str) -> str:
        return ".".join(module.split(".")[:2])

    parts: dict[str, set[str]] = {}
    for module, targets in graph.items():
        parts.setdefault(part(module), set()).update(
            part(t) for t in targets if part(t) != part(module)
        )
    for edges in (graph, parts):
        for node in sorted(edges):
            _no_cycle_from(node, [], edges, set())


def _no_cycle_from(node: str, path: list[str], edges: dict[str, set[str]], done: set[str]) -> None:
    assert node not in path, " -> ".join([*path, node])
    if node in done:
        return
    for nxt in sorted(edges.get(node, ())):
        _no_cycle_from(nxt, [*path, node], edges, done)
    done.add(node)


ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def layer_table() -> dict[str, int]:
    """docs/architecture.md's table of the layers: each module (a folder: its package) to its
    row, first row first."""
    rows: dict[str, int] = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        if found := re.match(r"\| [^|]+ \| `([^`]+)` \|", line):
            path = found.group(1).rstrip("/").removesuffix(".py")
            rows.setdefault("onconav." + path.replace("/", "."), len(rows))
    return rows


def test_each_core_module_imports_only_the_rows_above_it() -> None:
    """The table says each part imports only the parts above it: for the core, it holds, and
    every core module is in it (explain.py, beside the engine, imports the logic: its row had
    been above the logic's)."""
    rows = layer_table()

    def row(module: str) -> int | None:
        while module and module not in rows:
            module = module.rpartition(".")[0]
        return rows.get(module)

    core = [m for m in MODULES
            if not m.startswith(FRONT_ENDS) and m not in ("onconav", "onconav.kb")]
    assert [m for m in core if row(m) is None] == []
    for module in core:
        below = {t for t in imports(module) if (row(t) or 0) > (row(module) or 0)}
        assert not below, f"{module} imports {below}, below it in docs/architecture.md's table"


def test_the_core_imports_no_front_end() -> None:
    for module in MODULES:
        if module.startswith(FRONT_ENDS):
            continue
        bad = {m for m in imports(module) if m.startswith(FRONT_ENDS)}
        assert not bad, f"{module} imports the front end(s) {bad}"
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, onconav; "
         "print(sorted(m for m in sys.modules if m.startswith('onconav')))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "onconav.engine" in loaded
    assert not any(f"'{front}" in loaded for front in FRONT_ENDS), loaded


def test_no_pickle_in_the_package() -> None:
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}  # type: ignore[misc]
        assert not {"pickle", "marshal", "shelve", "dill"} & names, module


def test_the_public_api() -> None:
    assert sorted(onconav.__all__) == sorted(set(onconav.__all__))
    for name in onconav.__all__:
        assert getattr(onconav, name) is not None
    kb = onconav.load_kb()
    result = onconav.evaluate(onconav.parse_profile({"cancer": "rectum", "stage": "4"}, kb), kb)
    assert isinstance(result, onconav.Result)
    assert all(isinstance(o, onconav.OptionResult) for o in result.options)
    assert result.options[0].status in set(onconav.Status)
