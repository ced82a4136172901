"""The tree's shape holds: no import circle between files of src/, no file grown too big."""

from __future__ import annotations

from pathlib import Path

from scripts.check_import_cycles import SRC, cycles, import_graph

# Past this, a file is asking to be split along the data path; dialogue data excepted.
MAX_LINES = 400
DATA_FILES = {"sandbox/data/scripts.py"}


def test_no_import_cycle_between_files_of_src() -> None:
    graph = import_graph()
    assert graph["ultravox_calls_mcp.mcp.server"] >= {"ultravox_calls_mcp.mcp.state"}
    assert cycles(graph) == []


def test_the_checker_finds_a_cycle_hidden_inside_a_function(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from ..c import x\n")
    (package / "c.py").write_text("from . import a\nx = 1\n")
    (package / "d.py").write_text("import pkg.a\n")
    found = cycles(import_graph(tmp_path))
    assert found == [["pkg.a", "pkg.c", "pkg.sub.b"]]


def test_no_source_file_is_over_four_hundred_lines() -> None:
    package = SRC / "ultravox_calls_mcp"
    too_long = {
        str(path.relative_to(package)): lines
        for path in package.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(too_long) <= DATA_FILES, too_long


def test_the_architecture_page_names_every_module() -> None:
    page = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = SRC / "ultravox_calls_mcp"
    unnamed = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
        and "data" not in path.parts
        and f"`{path.name}`" not in page
        and f"{path.parent.name}/{path.name}" not in page
    ]
    assert unnamed == []
