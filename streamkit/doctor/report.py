"""The doctor's checklist as text for people and as JSON for scripts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from streamkit.doctor.core import CheckResult, Status, exit_code

MARKS = {Status.PASS: "✓", Status.WARN: "!", Status.FAIL: "✗", Status.SKIP: "-"}


def render_text(results: Sequence[CheckResult], *, ascii_only: bool = False) -> str:
    """One line per check (mark, status, name, summary), details and the fix indented below."""
    width = max((len(r.name) for r in results), default=0)
    lines = []
    for r in results:
        mark = r.status.value if ascii_only else f"{MARKS[r.status]} {r.status.value}"
        lines.append(f"{mark:<6} {r.name:<{width}}  {r.summary}")
        lines.extend(f"{'':8}{detail}" for detail in r.details)
        if r.fix and r.status in (Status.WARN, Status.FAIL):
            lines.append(f"{'':8}fix: {r.fix}")
    lines.append(summary_line(results))
    return "\n".join(lines)


def summary_line(results: Sequence[CheckResult]) -> str:
    counts = Counter(r.status for r in results)
    parts = [f"{counts[s]} {s.value.lower()}" for s in Status if counts[s]]
    verdict = {0: "ready", 1: "ready, with warnings", 2: "NOT ready"}[exit_code(results)]
    return f"{verdict}: {', '.join(parts) or 'no checks'}"


def to_json(results: Sequence[CheckResult], extra: dict[str, Any] | None = None) -> str:
    """{"exit_code", "counts", "checks": [...]} plus `extra` (e.g. the rehearsal)."""
    counts = Counter(r.status.value for r in results)
    data: dict[str, Any] = {
        "exit_code": exit_code(results),
        "counts": {s.value: counts.get(s.value, 0) for s in Status},
        "checks": [r.to_dict() for r in results],
    }
    return json.dumps({**data, **(extra or {})}, indent=2, default=str)
