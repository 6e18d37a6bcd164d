"""inference/ is a library that never imports the web side."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import inference

FORBIDDEN = ("django", "channels", "celery", "rest_framework", "annotator", "daphne", "redis")
PACKAGE_DIR = Path(inference.__file__).parent


def imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_of_inference_imports_the_web_side() -> None:
    offenders = {
        str(path.relative_to(PACKAGE_DIR)): sorted(imported_roots(path.read_text()) & set(FORBIDDEN))
        for path in PACKAGE_DIR.rglob("*.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_importing_every_inference_module_loads_no_web_framework() -> None:
    modules = [
        ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in PACKAGE_DIR.rglob("*.py")
    ]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PACKAGE_DIR.parent, check=True
    )
    assert result.stdout.strip() == ""
