"""House rules of the architecture, checked."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from types import ModuleType

import streamkit.aws
import streamkit.obs


def _loaded_by(package: ModuleType) -> tuple[list[str], set[str]]:
    """Import every module of `package` in a fresh interpreter; the top-level packages loaded."""
    modules = [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return modules, set(result.stdout.split())


def test_obs_layer_imports_neither_textual_nor_boto3():
    modules, loaded = _loaded_by(streamkit.obs)
    assert len(modules) >= 4
    assert not loaded & {"textual", "boto3", "botocore"}


def test_aws_layer_imports_no_textual():
    _, loaded = _loaded_by(streamkit.aws)
    assert "textual" not in loaded
