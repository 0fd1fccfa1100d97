"""Console fault commands parse their arguments and call the simulator."""

from __future__ import annotations

import pytest

from streamkit.simulator.console import HELP, run_command


class Recorder:
    """Stands in for a Simulator: records the fault calls."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.state = type("S", (), {"ndi_senders": ["A (B)"]})()

    def __getattr__(self, name: str):
        def record(*args):
            self.calls.append((name, *args))
            return True

        return record

    def call(self, action):
        return action()


@pytest.mark.parametrize(
    ("line", "call", "answer"),
    [
        ("congest 0.4", ("congest", 0.4, 0.0), "congestion 0.4, dropping 0% of frames"),
        ("clear", ("clear_congestion",), "network healthy"),
        ("reconnect 2.5", ("reconnect_stream", 2.5), "stream reconnecting for 2.5 s"),
        ("ndi-add 'X (Y)'", ("add_ndi_sender", "X (Y)"), "added"),
        ("crash 3", ("crash", 3.0), "crashed; back in 3 s"),
        ("stream stop", ("stop_stream",), "stream stopped"),
    ],
)
def test_commands(line: str, call: tuple, answer: str) -> None:
    sim = Recorder()
    assert run_command(sim, line) == answer
    assert sim.calls == [call]


def test_listing_and_help() -> None:
    assert run_command(Recorder(), "ndi-list") == "A (B)"
    assert run_command(Recorder(), "help") == HELP
    assert run_command(Recorder(), "   ") == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("reconnect -1", "SECONDS must be positive"),
        ("congest", "unknown command"),
        ('ndi-remove "unclosed', "cannot read that line"),
        ("stream sideways", "unknown command"),
    ],
)
def test_bad_lines(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_command(Recorder(), line)
