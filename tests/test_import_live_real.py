"""An import while live never changes what viewers see (real OBS, streaming to nginx-rtmp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamkit.obs.client import ObsClient
from tests.cli import run_cli, write_config

pytestmark = pytest.mark.real_obs
SCENES = Path(__file__).resolve().parent.parent / "scenes"
SHIPPED = SCENES / "serverless-meetup.yaml"
ASSETS = ("--asset-base", str(SCENES))  # edited copies live elsewhere


def _config(tmp_path: Path, obs) -> str:
    return str(
        write_config(
            tmp_path / "streamkit.yaml",
            f"""\
obs:
  host: 127.0.0.1
  port: {obs.port}
  password: env:TEST_OBS_PASSWORD
variables:
  NDI_HOST: ZOOM-PC
show:
  segments:
    - title: Doors open
      scene: Starting Soon
      text: {{Countdown: "Starting in 5 minutes"}}
    - title: Talk
      scene: Speaker
      text: {{Lower Third: "Jane Doe - Serverless at scale"}}
""",
        )
    )


def _edited(tmp_path: Path, **replacements: str) -> Path:
    """A copy of the shipped collection with text replaced (import it with ASSETS)."""
    text = SHIPPED.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "edited.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def live_show(obs_factory, rtmp_server, tmp_path):
    """OBS with the shipped collection imported, run like an event: program on Speaker, the
    run of show's texts written, streaming."""
    obs = obs_factory()
    config = _config(tmp_path, obs)
    env = {"TEST_OBS_PASSWORD": obs.password}
    done = run_cli("-c", config, "obs", "import", str(SHIPPED), "--skip-unavailable", "--yes",
                   env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with ObsClient(obs.host, obs.port, obs.password) as client:
        client.request("SetCurrentProgramScene", {"sceneName": "Speaker"})
        for name, text in (("Lower Third", "Jane Doe - Serverless at scale"),
                           ("Countdown", "Starting in 5 minutes")):  # fmt: skip
            client.request(
                "SetInputSettings",
                {"inputName": name, "inputSettings": {"text": text}, "overlay": True},
            )
        client.request(
            "SetStreamServiceSettings",
            {
                "streamServiceType": "rtmp_custom",
                "streamServiceSettings": {"server": rtmp_server.url, "key": "live-import"},
            },
        )
        client.request("StartStream")
        yield config, env, client
        client.request("StopStream")


def _program_and_texts(client: ObsClient) -> tuple:
    def text(name: str) -> str:
        return client.request("GetInputSettings", {"inputName": name})["inputSettings"]["text"]

    return (
        client.request("GetCurrentProgramScene")["currentProgramSceneName"],
        text("Lower Third"),
        text("Countdown"),
    )


def test_program_scene_and_show_texts_are_not_drift(live_show):
    config, env, _ = live_show
    result = run_cli("-c", config, "obs", "plan", str(SHIPPED), "--skip-unavailable", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "program scene" not in result.stdout and "Lower Third" not in result.stdout


def test_import_while_streaming_refuses_changes_to_what_program_shows(live_show, tmp_path):
    config, env, client = live_show
    before = _program_and_texts(client)
    bar = _edited(tmp_path, **{"file: ./assets/lower-third.png": "file: ./assets/thanks.png"})
    refused = run_cli("-c", config, "obs", "import", str(bar), "--skip-unavailable",
                      "--yes", *ASSETS, env=env)  # fmt: skip
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "OBS is streaming: the import would change what program shows now" in refused.stderr
    assert "'Lower Third Bar'" in refused.stderr and "nothing was changed" in refused.stderr
    setting = client.request("GetInputSettings", {"inputName": "Lower Third Bar"})
    assert setting["inputSettings"]["file"].endswith("lower-third.png")

    forced = run_cli("-c", config, "obs", "import", str(bar), "--skip-unavailable",
                     "--yes", "--force", *ASSETS, env=env)  # fmt: skip
    assert forced.returncode == 0, forced.stdout + forced.stderr
    setting = client.request("GetInputSettings", {"inputName": "Lower Third Bar"})
    assert setting["inputSettings"]["file"].endswith("thanks.png")
    assert _program_and_texts(client) == before
    assert client.request("GetStreamStatus")["outputActive"]


def test_import_while_streaming_changes_what_program_does_not_show(live_show, tmp_path):
    config, env, client = live_show
    before = _program_and_texts(client)
    thanks = _edited(tmp_path, **{"text: Thanks for watching!": "text: See you next month!"})
    done = run_cli("-c", config, "obs", "import", str(thanks), "--skip-unavailable",
                   "--yes", *ASSETS, env=env)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "'Thanks Title'" in done.stdout
    title = client.request("GetInputSettings", {"inputName": "Thanks Title"})
    assert title["inputSettings"]["text"] == "See you next month!"
    assert _program_and_texts(client) == before
    assert client.request("GetStreamStatus")["outputActive"]
