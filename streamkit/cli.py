"""The `streamkit` command: parses arguments, calls the library, turns errors into exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence, Set

from streamkit import __version__
from streamkit.errors import StreamkitError, UsageError
from streamkit.logs import setup_logging

# Each module registers its top-level commands (named in its COMMANDS); handlers import heavy
# libraries lazily, and only the command being run has its whole parser built.
COMMAND_MODULES = (
    "streamkit.commands.obs",
    "streamkit.commands.show",
    "streamkit.commands.health",
    "streamkit.commands.report",
    "streamkit.commands.workspace",
    "streamkit.commands.simulate",
    "streamkit.commands.lint",
    "streamkit.commands.schedule",
    "streamkit.commands.tui",
    "streamkit.commands.doctor",
    "streamkit.commands.chat",
)

EXIT_CODES_HELP = """exit codes:
  0  ok
  1  a check found differences or warnings (obs plan, schedule diff, lint, doctor)
  2  usage or config error; doctor: a check failed
  3  OBS unreachable (not running, websocket server off, wrong host/port)
  4  OBS authentication failed
  5  an OBS request failed
  6  an AWS call failed
  7  AWS credentials or region missing, or access denied
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors too
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(commands: Set[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser, or, given `commands`, those top-level commands in full and the others
    by name and help only (all that `streamkit --help` shows)."""
    parser = _Parser(
        prog="streamkit",
        description="Run a meetup's live stream: OBS as code, show control, WorkSpaces.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"streamkit {__version__}")
    parser.add_argument(
        "--config", "-c", help="config file (default: $STREAMKIT_CONFIG, then ./streamkit.yaml)"
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="logging detail on stderr (default: WARNING)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        if commands is None or not commands.isdisjoint(module.COMMANDS):
            module.register(sub)
        else:
            for command, help_text in module.COMMANDS.items():
                sub.add_parser(command, help=help_text, add_help=False)
    _global_options_everywhere(parser)
    return parser


# Options before the command that take a value (argparse also accepts unambiguous prefixes).
_VALUE_OPTIONS = ("--config", "--log-level")


def command_in(argv: Sequence[str]) -> str | None:
    """The top-level command named in `argv`, found as argparse will find it; None without one."""
    tokens = iter(argv)
    for token in tokens:
        if token == "-c" or (len(token) > 2 and any(o.startswith(token) for o in _VALUE_OPTIONS)):
            next(tokens, None)  # the option's value
        elif not token.startswith("-"):
            return token
    return None


def _global_options_everywhere(parser: argparse.ArgumentParser) -> None:
    """Accept --config and --log-level after the sub-command too (`streamkit obs status -c x`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                child.add_argument(
                    "--config", "-c", default=argparse.SUPPRESS, help=argparse.SUPPRESS
                )
                child.add_argument(
                    "--log-level",
                    default=argparse.SUPPRESS,
                    choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                    help=argparse.SUPPRESS,
                )
                _global_options_everywhere(child)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = command_in(argv)
    parser = build_parser({command} if command else set())
    args = parser.parse_args(argv)
    setup_logging(args.log_level)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(handler(args) or 0)
    except StreamkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file or folder we were told to write or read
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


def fail_usage(message: str) -> UsageError:
    """A usage error for handlers to raise."""
    return UsageError(message)


logging.getLogger("streamkit").addHandler(logging.NullHandler())

if __name__ == "__main__":
    sys.exit(main())
