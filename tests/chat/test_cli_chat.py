"""`streamkit chat` and `streamkit show question`, run as users run them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from streamkit.health.sessionlog import read_session_log
from streamkit.obs.client import ObsClient
from streamkit.show.control import ShowControl
from streamkit.simulator.server import SimulatorThread
from tests.chat.ircd import Poster
from tests.cli import run_cli, write_config
from tests.realobs import free_port


def test_chat_replay_as_json_lines():
    result = run_cli("chat", "--replay", "--count", "4", "--no-log", "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    messages = [r for r in records if r["type"] == "message"]
    assert len(messages) == 4
    assert records[0] == {"type": "state", "state": "CONNECTED", "detail": ""}
    assert messages[1]["role"] == "broadcaster"
    assert messages[3]["question"].startswith("Does the fallback scene also kick in")


def test_following_a_real_server_prints_plain_text_and_logs_questions(irc_server, tmp_path):
    log = tmp_path / "session.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamkit", "chat", "--channel", "meetup", "--host",
         irc_server.host, "--port", str(irc_server.port), "--plain", "--count", "3",
         "--log", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert "following #meetup" in process.stderr.readline()
        while "chat connected" not in process.stderr.readline():
            assert process.poll() is None, process.stderr.read()
        poster = Poster(irc_server, "ada", "meetup")
        poster.say("hello \x1b[2J\x1b]0;pwned\x07 [bold]there[/bold]")
        poster.say("Q: is the code on GitHub?")
        poster.say("\x01ACTION waves\x01")
        out, err = process.communicate(timeout=20)
        poster.close()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    lines = out.splitlines()
    assert "\x1b" not in out and "\x07" not in out
    assert lines[0].endswith("  ada: hello [2J ]0;pwned [bold]there[/bold]")
    assert lines[1].endswith("? ada: Q: is the code on GitHub?")
    assert lines[2].endswith("  * ada waves")
    (asked,) = read_session_log(log).of_type("question")
    assert (asked.data["event"], asked.data["author"], asked.data["text"]) == (
        "asked",
        "ada",
        "is the code on GitHub?",
    )


def test_an_unreachable_chat_is_one_line_and_exit_3(tmp_path):
    port = free_port()
    result = run_cli(
        "chat", "--channel", "meetup", "--host", "127.0.0.1", "--port", str(port), "--plain",
        "--no-log", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 3
    assert f"error: cannot reach the chat server 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_channel_says_where_to_set_it(tmp_path):
    result = run_cli("chat", "--no-log", cwd=tmp_path)
    assert result.returncode == 2
    assert "no chat channel configured" in result.stderr and "chat.channel" in result.stderr


@pytest.fixture
def sim_config(tmp_path: Path):
    with SimulatorThread(password="sim-pw") as sim:
        config = write_config(
            tmp_path / "streamkit.yaml",
            f"event: Q and A night\nobs: {{host: {sim.host}, port: {sim.port}, "
            "password: env:SIM_PW}\n",
        )
        with ObsClient(sim.host, sim.port, "sim-pw") as client:
            yield config, ShowControl(client)


def test_show_question_puts_it_on_the_lower_third_and_clears_it(sim_config, tmp_path):
    config, control = sim_config
    env = {"SIM_PW": "sim-pw"}
    log = tmp_path / "log.jsonl"
    result = run_cli(
        "show", "question", "Does it reconnect?", "--author", "Ada", "-c", str(config),
        "--log", str(log), env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    on_screen = control.get_text("Lower Third")
    assert on_screen.replace("\n", " ") == "Ada: Does it reconnect?"
    assert max(len(line) for line in on_screen.split("\n")) <= 12  # 256 px type, 1920 canvas
    assert result.stdout == f"Lower Third:\n{on_screen}\n"
    (shown,) = read_session_log(log).of_type("question")
    assert (shown.data["event"], shown.data["author"]) == ("shown", "Ada")
    assert abs(shown.t - time.time()) < 30
    result = run_cli("show", "question", "--clear", "-c", str(config), "--no-log", env=env)
    assert result.returncode == 0, result.stderr
    assert control.get_text("Lower Third") == ""


def test_show_question_needs_text_or_clear(sim_config):
    config, _ = sim_config
    for args in ((), ("text", "--clear")):
        result = run_cli("show", "question", *args, "-c", str(config), env={"SIM_PW": "sim-pw"})
        assert result.returncode == 2
        assert "give the question's text, or --clear" in result.stderr


def test_deletions_print_as_plain_text():
    from streamkit.chat.message import ChatDeletion
    from streamkit.commands.chat import _deletion_text

    escapes = "\x1b]0;pwned\x07\x1b[2J\u202e"
    one = _deletion_text(ChatDeletion("meetup", message_id=f"abc{escapes}\ndef"))
    user = _deletion_text(ChatDeletion("meetup", login=f"tr0ll{escapes}"))
    for text in (one, user):
        assert not any(c in text for c in "\x1b\x07\n\u202e"), repr(text)
    assert one == "(moderators deleted message abc ]0;pwned [2J def)"
    assert user == "(moderators removed the messages of tr0ll ]0;pwned [2J)"
