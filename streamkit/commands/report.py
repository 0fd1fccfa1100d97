"""`streamkit report LOG`: the post-event summary of a session log, and its SVG chart."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from streamkit.errors import UsageError

# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "report": "post-event summary of a session log (time live, drops, bitrate, alerts)",
}


def register(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report",
        help=COMMANDS["report"],
        description="Summarise a session log: time live, % frames dropped, worst minute, "
        "bitrate min/avg/p5/max, alerts and actions; optionally chart it as SVG.",
    )
    report.add_argument("log", metavar="LOG", help="session log (JSONL), e.g. logs/meetup-*.jsonl")
    report.add_argument("--svg", metavar="FILE", help="also write a chart of the health as SVG")
    report.add_argument("--json", action="store_true", help="print JSON for scripts")
    report.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from streamkit.health.chart import render_svg
    from streamkit.health.report import format_summary, summarize, summary_to_json
    from streamkit.health.sessionlog import read_session_log

    log = read_session_log(args.log)
    if not log.records and log.skipped:
        raise UsageError(
            f"{args.log}: no readable records ({len(log.skipped)} bad lines, first: "
            f"line {log.skipped[0].line}: {log.skipped[0].reason})",
            hint="is this a streamkit session log?",
        )
    for skipped in log.skipped:
        print(f"warning: {args.log}:{skipped.line}: skipped ({skipped.reason})", file=sys.stderr)
    summary = summarize(log)
    if args.svg:
        svg_path = Path(args.svg)
        try:
            svg_path.write_text(
                render_svg(log, title=f"Stream health — {Path(args.log).name}"), encoding="utf-8"
            )
        except OSError as exc:
            raise UsageError(
                f"{svg_path}: cannot write the chart ({exc.strerror or exc})"
            ) from None
    if args.json:
        print(json.dumps(summary_to_json(summary), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_summary(summary, title=str(args.log)))
        if args.svg:
            print(f"Chart written to {args.svg}")
    return 0
