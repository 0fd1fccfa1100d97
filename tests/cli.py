"""Run the `streamkit` CLI as a subprocess, exactly as users do."""

from __future__ import annotations

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
