"""`streamkit simulate` and scenario files: state, timed faults, passwords and clear errors."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import obsws_python
import pytest

from streamkit.errors import ConfigError
from streamkit.simulator.scenario import build_state, load_scenario
from tests.cli import run_cli
from tests.realobs import ISSUED_SECRETS

PASSWORD = "cli-simulator-password"
ISSUED_SECRETS.append(PASSWORD)

SCENARIO = """\
base: fresh
ndi_senders: ["CAM-PC (OBS - Program)"]
scenes:
  - name: Interview
    items: [Guest Cam]
inputs:
  - name: Guest Cam
    kind: ndi_source
    settings: {ndi_source_name: "CAM-PC (OBS - Program)"}
program_scene: Interview
streaming: true
faults:
  - {at: 0.2, congest: {level: 0.7, drop_ratio: 0.2}}
  - {at: 0.2, remove_ndi_sender: {name: "CAM-PC (OBS - Program)"}}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_scenario_builds_the_described_state(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, SCENARIO))
    state = build_state(scenario)
    coll = state.collection
    assert [s.name for s in coll.scenes] == ["Scene", "Interview"]
    assert coll.program == "Interview"
    assert [i.source.name for i in coll.scene("Interview").items] == ["Guest Cam"]
    assert state.ndi_senders == ["CAM-PC (OBS - Program)"]
    assert [(f.at, f.action) for f in scenario.faults] == [
        (0.2, "congest"),
        (0.2, "remove_ndi_sender"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "base: demo\nfaults:\n  - {at: 3}\n",
            r"scenario.yaml:3: faults.0: give exactly one action",
        ),
        (
            "inputs:\n  - name: X\n    kind: ndi\n",
            r"scenario.yaml:2: inputs.0: .*unknown input kind 'ndi'",
        ),
        (
            "scenes:\n  - name: A\n    items: [Nope]\n",
            r"scenario.yaml:3: scenes.0.items.0: no other source named 'Nope'",
        ),
        ("program_scene: Nowhere\n", r"scenario.yaml:1: program_scene: no scene named 'Nowhere'"),
        (
            "faults:\n  - at: 1\n    congest: {level: 2}\n",
            r"scenario.yaml:3: faults.0.congest.level: ",
        ),
        ("bogus: 1\n", r"scenario.yaml:1: bogus: unknown key"),
        ("- 1\n", r"scenario.yaml:1: a scenario is a mapping"),
    ],
)
def test_scenario_errors_name_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_scenario(_write(tmp_path, text))


def test_missing_scenario_file(tmp_path: Path) -> None:
    result = run_cli("simulate", "--scenario", str(tmp_path / "none.yaml"), "--port", "0")
    assert result.returncode == 2
    assert "none.yaml: cannot read the scenario" in result.stderr
    assert "Traceback" not in result.stderr


def test_password_env_must_be_set() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SIM_PW_UNSET"}
    result = run_cli("simulate", "--password-env", "SIM_PW_UNSET", "--port", "0", env=env)
    assert result.returncode == 2
    assert "environment variable SIM_PW_UNSET is not set" in result.stderr


def _start(*args: str, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "streamkit", "simulate", "--port", "0", *args],
        env={**os.environ, **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    match = re.search(r"ws://127\.0\.0\.1:(\d+) \(authentication (on|off)\)", line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    return process, int(match.group(1))


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


@pytest.mark.timeout(60)
def test_simulate_serves_obs_clients_with_the_password_from_the_environment(tmp_path: Path) -> None:
    process, port = _start(
        "--scenario", str(_write(tmp_path, SCENARIO)), env={"STREAMKIT_SIM_PASSWORD": PASSWORD}
    )
    try:
        assert PASSWORD not in " ".join(process.args)
        client = obsws_python.ReqClient(host="127.0.0.1", port=port, password=PASSWORD, timeout=3)
        try:
            assert client.send("GetCurrentProgramScene", raw=True)["sceneName"] == "Interview"
            time.sleep(0.6)
            status = client.send("GetStreamStatus", raw=True)
            assert status["outputActive"] is True
            assert status["outputCongestion"] == 0.7
            items = client.send(
                "GetInputPropertiesListPropertyItems",
                {"inputName": "Guest Cam", "propertyName": "ndi_source_name"},
                raw=True,
            )
            assert items["propertyItems"] == []
        finally:
            client.disconnect()
    finally:
        _stop(process)
    assert PASSWORD not in process.stderr.read()


@pytest.mark.timeout(60)
def test_simulate_without_a_password_has_authentication_off() -> None:
    env = {"STREAMKIT_SIM_PASSWORD": ""}
    process, port = _start(env=env)
    try:
        client = obsws_python.ReqClient(host="127.0.0.1", port=port, password="", timeout=3)
        assert "Speaker" in [
            s["sceneName"] for s in client.send("GetSceneList", raw=True)["scenes"]
        ]
        client.disconnect()
    finally:
        _stop(process)


def test_port_in_use_is_a_clear_error() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("simulate", "--port", str(port), env={"STREAMKIT_SIM_PASSWORD": ""})
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.timeout(60)
def test_fault_commands_on_stdin() -> None:
    process, port = _start(env={"STREAMKIT_SIM_PASSWORD": ""})
    try:

        def command(line: str) -> str:
            process.stdin.write(line + "\n")
            process.stdin.flush()
            return process.stdout.readline().strip()

        assert command("stream start") == "streaming"
        assert command("congest 0.5 0.1") == "congestion 0.5, dropping 10% of frames"
        assert command("reconnect 30") == "stream reconnecting for 30 s"
        assert command('ndi-remove "ZOOM-PC (Zoom - Gallery)"') == "removed"
        assert command("congest lots") == "error: LEVEL must be a number, not 'lots'"
        assert command("dance") == "error: unknown command or arguments: 'dance' (try `help`)"
        client = obsws_python.ReqClient(host="127.0.0.1", port=port, password="", timeout=3)
        try:
            status = client.send("GetStreamStatus", raw=True)
            assert (status["outputCongestion"], status["outputReconnecting"]) == (0.5, True)
            items = client.send(
                "GetInputPropertiesListPropertyItems",
                {"inputName": "NDI Speaker", "propertyName": "ndi_source_name"},
                raw=True,
            )["propertyItems"]
            assert "ZOOM-PC (Zoom - Gallery)" not in [i["itemName"] for i in items]
        finally:
            client.disconnect()
        assert command("crash") == "crashed; `recover` to restart"
        assert command("recover") == "back up"
        client = obsws_python.ReqClient(host="127.0.0.1", port=port, password="", timeout=3)
        assert client.send("GetStreamStatus", raw=True)["outputActive"] is False
        client.disconnect()
    finally:
        _stop(process)
