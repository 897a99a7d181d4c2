"""The import graph (docs/architecture.md): layers that only import downwards, no cycle.

Read from the source with ``ast``, imports inside functions included: a cycle hidden
in a function is still a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src"
# Bottom first. A module imports from its own layer or one below, never from above.
LAYERS = (
    ("wiccli", "wiccli.errors", "wiccli.env", "wiccli.text", "wiccli.vtimezone", "wiccli.limits",
     "wiccli.headers"),
    ("wiccli.event", "wiccli.output"),
    ("wiccli.frab", "wiccli.ics", "wiccli.authoring", "wiccli.invites"),
    ("wiccli.publish", "wiccli.mail", "wiccli.door", "wiccli.report"),
    ("wiccli.cli",),
    ("wiccli.__main__",),
)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / "wiccli").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


# The command line and the output layer are the only places that may use these.
PRESENTATION = ("typer", "rich", "click")
CORE_EXEMPT = ("wiccli.cli", "wiccli.output", "wiccli.__main__")


def imported_names(path: Path) -> Iterator[tuple[ast.ImportFrom | ast.Import, str]]:
    """Every import in the file, inside functions too, with the module it names."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node, node.module or ""


def imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The wic modules that ``name`` imports, wherever in the file it does."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        yield from (t for t in targets if t in known and t != name)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imports(name, path, known)) for name, path in known.items()}


def layer(module: str) -> int:
    """The layer of a module: that of the package or module it belongs to; -1 for none."""
    if module == "wiccli":
        return 0
    for rank, rooms in enumerate(LAYERS):
        # "wiccli" itself (the package face) is matched above, not as a prefix of all.
        # "wiccli" itself (the package face) is matched above, not as a prefix of all.
        if any(module.startswith(room + ".") or module == room for room in rooms[rank == 0:]):
            return rank
    return -1


def test_every_module_has_a_layer() -> None:
    assert [m for m in graph() if layer(m) < 0] == []


def test_no_import_runs_upwards() -> None:
    upward = [f"{a} -> {b}" for a, targets in graph().items() for b in sorted(targets)
              if layer(b) > layer(a)]
    assert upward == []


def test_no_cycle() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_graph_is_read() -> None:
    """The checks above see real imports (a broken reader would find no edge at all)."""
    edges = graph()
    assert "wiccli.event.model" in edges["wiccli.event.check"]
    assert "wiccli.invites.store" in edges["wiccli.cli.commands.invites._common"]  # in a function
    assert layer("wiccli.cli.commands.agenda") > layer("wiccli.event.query") > layer("wiccli.env")


def core_presentation_imports(known: dict[str, Path]) -> list[str]:
    """``module -> typer`` for each core module that imports Typer, Rich or Click."""
    found = []
    for name, path in known.items():
        if any(name == room or name.startswith(room + ".") for room in CORE_EXEMPT):
            continue
        for node, target in imported_names(path):
            top = target.partition(".")[0]
            if top in PRESENTATION and not getattr(node, "level", 0):
                found.append(f"{name} -> {target}")
    return found


def test_core_modules_never_import_typer_or_rich() -> None:
    """Thin commands, pure core: only cli/ parses and only cli/ and output/ draw."""
    assert core_presentation_imports(modules()) == []


def test_the_core_check_sees_imports_in_functions(tmp_path: Path) -> None:
    model = modules()["wiccli.invites.model"]
    planted = tmp_path / "model.py"
    planted.write_text(model.read_text(encoding="utf-8") + (
        "\n\ndef _shown() -> None:\n    import rich.console\n    from typer import echo\n"),
        encoding="utf-8")
    assert core_presentation_imports({"wiccli.invites.model": planted}) == [
        "wiccli.invites.model -> rich.console", "wiccli.invites.model -> typer"]
    assert core_presentation_imports({"wiccli.cli.app": planted}) == []
