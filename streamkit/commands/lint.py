"""`streamkit lint [PATHS]`: check scene collections and profiles before they reach OBS."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from streamkit.errors import UsageError

DEFAULT_PATHS = ("scenes", "profiles")


# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "lint": "check scenes/ and profiles/ (schema, references, paths, assets, secrets)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lint",
        help=COMMANDS["lint"],
        description="Check scene collections (YAML or OBS JSON) and OBS profile folders. "
        "Exit status: 0 clean, 1 problems found, 2 a file is unreadable or invalid.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: scenes/ and profiles/ in the current folder)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from streamkit.collection.lint import exit_code, lint_paths

    paths = list(args.paths) or [Path(p) for p in DEFAULT_PATHS if Path(p).exists()]
    if not paths:
        raise UsageError(
            "nothing to lint: no scenes/ or profiles/ here",
            hint="run it from the repository root or name the files: streamkit lint PATH...",
        )
    findings, count = lint_paths(paths)
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} problem(s) in {count} file(s) or profile(s)", file=sys.stderr)
    else:
        print(f"ok: {count} file(s) or profile(s) checked", file=sys.stderr)
    return exit_code(findings)
