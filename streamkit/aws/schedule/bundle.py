"""The streamkit function's code: a zip of the modules it runs, for infra/scheduler-function.yaml.

The function runs streamkit.aws.schedule.cloud on the Lambda Python runtime, which has boto3
and nothing else of ours: the zip holds the streamkit package's base modules and streamkit.aws.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import streamkit

HANDLER = "streamkit.aws.schedule.cloud.handler"
_BASE = ("__init__.py", "errors.py")


def build_function_zip(dest: Path) -> list[str]:
    """Write the zip to `dest`; returns the paths it holds."""
    root = Path(streamkit.__file__).resolve().parent
    files = [root / name for name in _BASE]
    files += sorted(p for p in (root / "aws").rglob("*") if p.suffix in (".py", ".yaml"))
    names = []
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            name = str(Path("streamkit") / path.relative_to(root))
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # reproducible
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
            names.append(name)
    return names
