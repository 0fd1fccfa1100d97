"""Run the `streamkit` CLI as a subprocess, exactly as users do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
    input: str | None = None,
    environ: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """`python -m streamkit ARGS` with `env` added to `environ` (default: this process's
    environment, which AWS tests replace with one that reaches only moto); output captured."""
    full_env = {**(os.environ if environ is None else environ), **(env or {})}
    full_env.pop("STREAMKIT_CONFIG", None) if env is None or "STREAMKIT_CONFIG" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "streamkit", *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


STATUS_REPORTING_MODULES = """
import contextlib, io, json, sys
from streamkit.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["--config", sys.argv[1], "obs", "status", "--json"])
print(json.dumps([code, sorted({"pydantic", "yaml"} & set(sys.modules)), out.getvalue()]))
"""


def status_and_modules(config: Path, env: dict[str, str]) -> tuple[int, list[str], str]:
    """`streamkit obs status --json` in a fresh interpreter: its exit code, which of pydantic
    and yaml it loaded, and what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", STATUS_REPORTING_MODULES, str(config)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout, done.stderr
    code, loaded, printed = json.loads(done.stdout.splitlines()[-1])
    return code, loaded, printed
