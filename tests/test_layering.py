"""House rules of the architecture, checked."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import streamkit.obs


def test_obs_layer_imports_neither_textual_nor_boto3():
    modules = [f"streamkit.obs.{m.name}" for m in pkgutil.iter_modules(streamkit.obs.__path__)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "banned = ('textual', 'boto3', 'botocore')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in banned)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"streamkit.obs pulled in: {result.stdout}"
    assert len(modules) >= 4


def test_aws_layer_imports_no_textual():
    import streamkit.aws

    modules = [f"streamkit.aws.{m.name}" for m in pkgutil.iter_modules(streamkit.aws.__path__)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('textual'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
