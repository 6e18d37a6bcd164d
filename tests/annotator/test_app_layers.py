"""The apps of annotator/ import one way: an app may import the apps below it, never one above.

The order and its reasons are in docs/layers.md. Where a lower app must set off work in a higher
one it sends a signal the higher app listens to, or calls a hook the higher app registered, in
its ``AppConfig.ready``. Every import counts: at module level, inside functions, and under
``TYPE_CHECKING``. No circle of imports between annotator's modules either.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import annotator

PACKAGE_DIR = Path(annotator.__file__).parent

# Lowest first. Apps on the same rung may not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("common",),
    ("projects",),
    ("images",),
    ("annotations",),
    ("serving",),
    ("interactions",),
    ("adaptation",),
    ("review",),
    ("analytics", "exports"),
    ("pages",),
)
RUNG = {app: rung for rung, apps in enumerate(LAYERS) for app in apps}


def module_name(path: Path, root: Path = PACKAGE_DIR.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def imports(path: Path, root: Path = PACKAGE_DIR.parent) -> Iterator[tuple[str, int]]:
    """Every absolute or relative import in the module, as the module it names, with its line."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # "from annotator.x import y" may import the module x.y
                yield f"{module}.{alias.name}", node.lineno


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "annotator" and parts[1] in RUNG else None


def upward_imports(package_dir: Path) -> list[str]:
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        importer = app_of(module_name(path, package_dir.parent) + ".x")
        if importer is None:
            continue  # the project's own modules (settings, urls, asgi, celery) sit above every app
        for module, line in imports(path, package_dir.parent):
            imported = app_of(module)
            if imported is not None and imported != importer and RUNG[imported] >= RUNG[importer]:
                found.append(f"{path.relative_to(package_dir.parent)}:{line} ({importer}) imports {imported}")
    return sorted(set(found))


def module_graph(package_dir: Path) -> dict[str, set[str]]:
    modules = {module_name(path, package_dir.parent): path for path in package_dir.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for module, _ in imports(path, package_dir.parent):
            if module in modules and module != name:
                graph[name].add(module)
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports (its modules in order), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_every_app_is_placed_in_the_order() -> None:
    apps = {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps == set(RUNG)


def test_no_app_imports_an_app_above_it_or_beside_it() -> None:
    assert upward_imports(PACKAGE_DIR) == []


def test_no_circle_of_imports_between_annotator_modules() -> None:
    assert import_cycle(module_graph(PACKAGE_DIR)) is None


def test_the_checks_find_an_upward_import_and_a_circle(tmp_path: Path) -> None:
    package = tmp_path / "annotator"
    for app in ("images", "interactions"):
        (package / app).mkdir(parents=True)
        (package / app / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "images" / "services.py").write_text(
        "def upload():\n    from annotator.interactions.tasks import prepare\n"
    )
    (package / "interactions" / "tasks.py").write_text("from annotator.images import services\n")
    assert upward_imports(package) == ["annotator/images/services.py:2 (images) imports interactions"]
    cycle = import_cycle(module_graph(package))
    assert cycle is not None and set(cycle) == {"annotator.images.services", "annotator.interactions.tasks"}
