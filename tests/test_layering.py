"""House rules of the architecture, proved on the import graph.

Every module's imports are read with `ast` (imports inside functions and `TYPE_CHECKING` blocks
included); a rule breaks when a chain of imports leads from a module it covers to a module it
forbids, and the failure shows that chain. The rules are written here once; the README's Layout
section shows them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "streamkit"

OBS_SIDE = (
    "streamkit.obs",
    "streamkit.collection",
    "streamkit.show",
    "streamkit.health",
    "streamkit.simulator",
)
FACES = ("streamkit.tui", "streamkit.commands", "streamkit.cli", "streamkit.doctor")
#: The config: the composed model, and finding the file with its cache of the `obs:` section.
CONFIG = ("streamkit.config", "streamkit.configfile")
#: What I/O means for the pure core.
IO_LIBRARIES = (
    "obsws_python",
    "websocket",
    "websockets",
    "boto3",
    "botocore",
    "sqlite3",
    "sqlalchemy",
    "textual",
)


@dataclass(frozen=True)
class Rule:
    """Modules under any of `covers` never reach a module under any of `forbids`."""

    name: str
    covers: tuple[str, ...]
    forbids: tuple[str, ...]


RULES = (
    Rule(
        "the OBS side never imports tui, aws, doctor, commands, cli or config",
        OBS_SIDE,
        ("streamkit.aws", *FACES, *CONFIG),
    ),
    Rule(
        "aws never imports the OBS side, tui, doctor, commands, cli or config",
        ("streamkit.aws",),
        (*OBS_SIDE, *FACES, *CONFIG),
    ),
    Rule(
        "chat never imports a face, aws, config, or the OBS side beyond its connection states",
        ("streamkit.chat",),
        (
            "streamkit.aws",
            *FACES,
            *CONFIG,
            "streamkit.obs.client",
            "streamkit.obs.link",
            "streamkit.collection",
            "streamkit.show",
            "streamkit.health",
            "streamkit.simulator",
        ),
    ),
    Rule(
        "tui never imports aws, doctor, commands, cli or config",
        ("streamkit.tui",),
        (
            "streamkit.aws",
            "streamkit.doctor",
            "streamkit.commands",
            "streamkit.cli",
            *CONFIG,
        ),
    ),
)

#: The pure core: decisions that are tested with plain data and a fake clock.
PURE = (
    "streamkit.obs.types",
    "streamkit.collection.plan",
    "streamkit.collection.diff",
    "streamkit.collection.onair",
    "streamkit.health.metrics",
    "streamkit.health.alerts",
    "streamkit.health.fallback",
    "streamkit.aws.schedule.calendar",
    "streamkit.aws.schedule.plan",
)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Every module `name` (the file `path`) imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # `from streamkit.obs import client` imports the module streamkit.obs.client
            found.update(f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known)
    # importing a.b.c runs a/__init__ and a/b/__init__ too
    with_parents = set()
    for target in found:
        pieces = target.split(".")
        with_parents.update(".".join(pieces[:i]) for i in range(1, len(pieces) + 1))
    return with_parents - {name}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    known = set(files)
    return {name: imports_of(path, name, known) for name, path in files.items()}


def under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def chain_to(graph: dict[str, set[str]], start: str, forbids: tuple[str, ...]) -> list[str] | None:
    """The shortest import chain from `start` to a forbidden module, or None."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current != start and under(current, forbids):
            chain = [current]
            while previous[chain[-1]] is not None:
                chain.append(previous[chain[-1]])
            return chain[::-1]
        # the deepest name first, so a chain names `streamkit.aws.session`, not its package
        for nxt in sorted(graph.get(current, ()), key=lambda name: (-name.count("."), name)):
            if nxt not in previous:
                previous[nxt] = current
                queue.append(nxt)
    return None


def violations(graph: dict[str, set[str]], rules: tuple[Rule, ...] = RULES) -> list[str]:
    found = []
    for rule in rules:
        for module in sorted(graph):
            if under(module, rule.covers):
                chain = chain_to(graph, module, rule.forbids)
                if chain:
                    found.append(f"{rule.name}: {' -> '.join(chain)}")
    return found


GRAPH = import_graph()


def test_graph_sees_every_package():
    assert {"streamkit.obs.client", "streamkit.collection.plan", "streamkit.tui.app"} <= set(GRAPH)
    # imports inside functions count
    assert "streamkit.obs.client" in GRAPH["streamkit.collection.setup"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name.split(" never")[0])
def test_layering_rule(rule: Rule):
    broken = violations(GRAPH, (rule,))
    assert not broken, "\n".join(broken)


def test_no_library_module_imports_config():
    library = [m for m in GRAPH if not under(m, (*FACES, *CONFIG, "streamkit.docs"))]
    broken = [
        f"{m} -> {' -> '.join(chain)}" for m in library if (chain := chain_to(GRAPH, m, CONFIG))
    ]
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("module", PURE)
def test_pure_core_imports_no_io_library(module: str):
    assert module in GRAPH, f"{module} is listed as pure but does not exist"
    chain = chain_to(GRAPH, module, IO_LIBRARIES)
    assert chain is None, " -> ".join(chain or [])


def test_pure_core_loads_no_io_library_at_run_time():
    code = (
        "import importlib, sys\n"
        f"for name in {list(PURE)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert not loaded & set(IO_LIBRARIES), sorted(loaded & set(IO_LIBRARIES))


#: What `streamkit obs status` loads when its config is unchanged since last validated.
LIGHT_PATH = (
    "streamkit.cli",
    "streamkit.configfile",
    "streamkit.obs.client",
    "streamkit.obs.status",
)


def test_the_cli_and_the_cached_config_load_neither_pydantic_nor_yaml():
    """Building every command's parser, and reading the config cache, stay light: the
    libraries a command needs are imported by its handler."""
    code = (
        "import importlib, sys\n"
        f"for name in {list(LIGHT_PATH)!r}:\n"
        "    importlib.import_module(name)\n"
        "sys.modules['streamkit.cli'].build_parser()\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    heavy = {"pydantic", "pydantic_core", "yaml", "textual", "boto3", "apscheduler"}
    assert not set(result.stdout.split()) & heavy, sorted(set(result.stdout.split()) & heavy)


def test_checker_reports_the_chain_of_a_bad_import(tmp_path: Path):
    """The checker itself: a deep, function-level import that breaks a rule is found."""
    package = tmp_path / "streamkit"
    for folder in ("obs", "show", "aws"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "show" / "control.py").write_text("from streamkit.obs import client\n")
    (package / "obs" / "client.py").write_text(
        "def live():\n    from streamkit.aws.session import make_client\n"
    )
    (package / "aws" / "session.py").write_text("import boto3\n")
    graph = import_graph(package)
    broken = violations(graph)
    assert (
        "the OBS side never imports tui, aws, doctor, commands, cli or config: "
        "streamkit.show.control -> streamkit.obs.client -> streamkit.aws.session" in broken
    )
    assert chain_to(graph, "streamkit.show.control", IO_LIBRARIES) == [
        "streamkit.show.control",
        "streamkit.obs.client",
        "streamkit.aws.session",
        "boto3",
    ]
