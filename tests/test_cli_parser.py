"""The CLI's parser: only the command being run is built in full, and that changes nothing a
user sees."""

from __future__ import annotations

import argparse
import importlib

import pytest

from streamkit.cli import COMMAND_MODULES, build_parser, command_in, main


def _top_level(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _helps(parser: argparse.ArgumentParser) -> dict[str, str]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action.help for action in sub._choices_actions}


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_each_module_registers_exactly_the_commands_it_names(name):
    module = importlib.import_module(name)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    module.register(sub)
    assert _helps(parser) == module.COMMANDS


def test_the_top_level_help_and_choices_are_those_of_the_whole_parser():
    whole, light = build_parser(), build_parser(set())
    assert light.format_help() == whole.format_help()
    assert list(_top_level(light)) == list(_top_level(whole))


@pytest.mark.parametrize(
    "argv",
    [
        ["obs", "status"],
        ["-c", "obs", "obs", "status"],
        ["--config", "show", "show", "scenes"],
        ["--config=obs", "show", "scenes"],
        ["-cobs", "obs", "status"],
        ["--conf", "tui", "obs", "status"],
        ["--log-level", "DEBUG", "health"],
        ["--log", "INFO", "demo"],
        ["schedule", "plan", "--config", "x.yaml"],
    ],
)
def test_the_command_is_found_where_argparse_finds_it(argv):
    assert command_in(argv) == build_parser().parse_args(argv).command


@pytest.mark.parametrize("argv", [[], ["--help"], ["-c", "x.yaml"], ["--log-level", "INFO"]])
def test_no_command_is_none(argv):
    assert command_in(argv) is None


def test_only_the_command_run_is_built_in_full():
    parsers = _top_level(build_parser({"obs"}))

    def built(name: str) -> bool:
        return any(isinstance(a, argparse._SubParsersAction) for a in parsers[name]._actions)

    assert built("obs")
    assert not built("show") and not built("schedule")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["obs", "status", "--help"], "--json"),
        (["--log-level", "INFO", "schedule", "--help"], "deploy"),
        (["-c", "tui", "demo", "--help"], "live demo meetup"),
    ],
)
def test_help_of_a_command_is_its_whole_help(argv, expected, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    assert expected in capsys.readouterr().out


def test_an_unknown_command_lists_every_command(capsys):
    with pytest.raises(SystemExit) as done:
        main(["obz"])
    assert done.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'obz'" in error
    for name in _top_level(build_parser()):
        assert f"'{name}'" in error
