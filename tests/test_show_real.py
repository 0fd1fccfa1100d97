"""Show control against a real OBS loaded with a collection that has NDI inputs."""

from __future__ import annotations

import queue
import time

import pytest

from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsRequestFailed
from streamkit.show.control import ShowControl
from streamkit.show.meters import LevelMeters
from streamkit.show.ndi import NdiControl
from streamkit.show.runofshow import RunOfShow
from streamkit.show.settings import Segment
from tests.cli import run_cli, write_config
from tests.realobs import reset_show

pytestmark = pytest.mark.real_obs


@pytest.fixture
def client(show_obs):
    """Each test starts out of studio mode on Starting Soon, with Cut so switches are instant."""
    with ObsClient(show_obs.host, show_obs.port, show_obs.password) as obs:
        reset_show(obs)
        _until(lambda: ShowControl(obs).scenes().program == "Starting Soon")
        yield obs


def _until(condition, timeout: float = 5) -> None:
    """OBS applies scene and preview changes on its UI thread, shortly after answering."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "OBS did not get there in time"
        time.sleep(0.05)


@pytest.fixture
def events(client):
    seen: queue.Queue = queue.Queue()
    client.on_event(lambda kind, data: seen.put((kind, data)))
    return seen


def _expect(events: queue.Queue, kind: str, timeout: float = 5) -> dict:
    while True:
        got, data = events.get(timeout=timeout)
        if got == kind:
            return data


def _expect_scene(events: queue.Queue, name: str) -> bool:
    while _expect(events, "CurrentProgramSceneChanged")["sceneName"] != name:
        pass
    return True


def test_scenes_in_obs_order(client):
    listing = ShowControl(client).scenes()
    assert listing.names == [
        "Starting Soon",
        "Speaker",
        "Speaker + Slides",
        "Technical Difficulties",
    ]
    assert listing.program == "Starting Soon" and listing.preview is None


def test_scene_switch_confirmed_by_obs_event(client, events):
    ShowControl(client).switch_scene("Speaker")
    assert _expect(events, "CurrentProgramSceneChanged")["sceneName"] == "Speaker"


def test_unknown_scene_is_refused_with_the_list(client):
    with pytest.raises(UsageError) as caught:
        ShowControl(client).switch_scene("Speakr")
    assert "Speaker + Slides" in str(caught.value)


def test_preview_needs_studio_mode(client):
    with pytest.raises(UsageError, match="studio mode is off"):
        ShowControl(client).set_preview("Speaker")


def test_studio_mode_preview_and_named_transition(client, events):
    control = ShowControl(client)
    control.studio_mode(True)
    assert _expect(events, "StudioModeStateChanged")["studioModeEnabled"] is True
    control.set_preview("Speaker + Slides")
    assert _expect(events, "CurrentPreviewSceneChanged")["sceneName"] == "Speaker + Slides"
    control.transition("Fade", 300)
    assert _expect(events, "CurrentProgramSceneChanged")["sceneName"] == "Speaker + Slides"
    assert client.request("GetCurrentSceneTransition")["transitionDuration"] == 300


def test_transition_outside_studio_mode_explains_and_changes_nothing(client):
    with pytest.raises(UsageError, match="needs studio mode"):
        ShowControl(client).transition("Fade", 2000)
    assert client.request("GetCurrentSceneTransition")["transitionName"] == "Cut"


def test_unknown_transition_lists_the_available(client):
    ShowControl(client).studio_mode(True)
    _until(lambda: ShowControl(client).studio_mode_enabled())
    with pytest.raises(UsageError, match=r"available: .*Fade"):
        ShowControl(client).transition("Stinger 3000")


def test_ndi_inputs_and_switch_read_back(client):
    ndi = NdiControl(client)
    before = {i.name: i.sender for i in ndi.inputs()}
    assert before["NDI Speaker"].endswith("(Zoom - Active Speaker)")
    switched = ndi.switch("NDI Speaker", "STUDIO-MAC (Zoom - Gallery)", force=True)
    assert switched.sender == "STUDIO-MAC (Zoom - Gallery)"
    settings = client.request("GetInputSettings", {"inputName": "NDI Speaker"})["inputSettings"]
    assert settings["ndi_source_name"] == "STUDIO-MAC (Zoom - Gallery)"
    assert settings["ndi_bw_mode"] == 0  # overlay: other settings kept
    ndi.switch("NDI Speaker", before["NDI Speaker"], force=True)


def test_without_the_plugin_a_sender_not_configured_is_refused(client):
    """Debian's OBS has no NDI plugin: nothing is discovered, so only configured names go."""
    ndi = NdiControl(client, ["ZOOM-PC (Zoom - Gallery)"])
    before = {i.name: i.sender for i in ndi.inputs()}
    with pytest.raises(UsageError) as refused:
        ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Galery)")
    message = str(refused.value)
    assert "the NDI plugin is not loaded in OBS" in message
    assert "closest: ZOOM-PC (Zoom - Gallery)" in message and "--force" in message
    assert {i.name: i.sender for i in ndi.inputs()} == before  # nothing changed
    assert ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Gallery)").sender == (
        "ZOOM-PC (Zoom - Gallery)"
    )
    ndi.switch("NDI Speaker", before["NDI Speaker"], force=True)


def test_ndi_swap(client):
    ndi = NdiControl(client)
    before = {i.name: i.sender for i in ndi.inputs()}
    ndi.swap("NDI Speaker", "NDI Screen")
    after = {i.name: i.sender for i in ndi.inputs()}
    assert after == {"NDI Speaker": before["NDI Screen"], "NDI Screen": before["NDI Speaker"]}
    ndi.swap("NDI Speaker", "NDI Screen")


def test_ndi_senders_fall_back_to_config_without_the_plugin(client):
    ndi = NdiControl(client, ["ZOOM-PC (Zoom - Gallery)"], sleep=lambda s: None)
    listing = ndi.senders("NDI Speaker", attempts=2)
    assert listing.source == "config" and listing.senders == ["ZOOM-PC (Zoom - Gallery)"]
    assert listing.plugin is False


def test_ndi_switch_on_a_non_ndi_input_is_refused(client):
    with pytest.raises(UsageError, match="not an NDI input"):
        NdiControl(client).switch("Lower Third", "X (Y)")


def test_audio_mute_toggle_and_volume(client, events):
    control = ShowControl(client)
    assert [a.name for a in control.audio_inputs()] == ["Call Audio"]
    control.mute("Call Audio")
    assert _expect(events, "InputMuteStateChanged")["inputMuted"] is True
    assert control.toggle_mute("Call Audio") is False
    control.set_volume_db("Call Audio", -6.0)
    audio = {a.name: a for a in control.audio_inputs()}["Call Audio"]
    assert audio.muted is False and audio.volume_db == pytest.approx(-6.0, abs=0.01)
    control.set_volume_db("Call Audio", 0.0)
    with pytest.raises(UsageError):
        control.set_volume_db("Call Audio", 40)


def test_lower_third_text(client):
    control = ShowControl(client)
    control.set_text("Lower Third", "Ada Lovelace — Serverless at scale")
    assert control.get_text("Lower Third") == "Ada Lovelace — Serverless at scale"


def test_volume_meters_are_coalesced(client):
    meters = LevelMeters(client)
    meters.start()
    try:
        time.sleep(1.0)
        snapshot = meters.snapshot()
    finally:
        meters.stop()
    assert meters.events_seen >= 5  # about 20 a second arrive ...
    assert isinstance(snapshot, dict)  # ... and the reader sees only the latest


SEGMENTS = [
    Segment(title="Doors open", scene="Starting Soon", text={"Lower Third": "Starting soon"}),
    Segment(
        title="Talk 1",
        scene="Speaker",
        ndi={"NDI Speaker": "ZOOM-PC (Zoom - Active Speaker)"},
        text={"Lower Third": "Ada Lovelace"},
    ),
    Segment(
        title="Talk 1 slides",
        scene="Speaker + Slides",
        ndi={"NDI Screen": "ZOOM-PC (Zoom - Screen Share)"},
    ),
]


def test_run_of_show_next_prev_goto(client, events):
    show = RunOfShow(client, SEGMENTS)
    show.goto(0)
    assert show.position() == 0
    applied = show.next()
    assert applied.index == 1 and show.position() == 1
    assert _expect_scene(events, "Speaker")  # confirmed by OBS's own event
    assert ShowControl(client).get_text("Lower Third") == "Ada Lovelace"
    _until(lambda: ShowControl(client).scenes().program == "Speaker")
    show.prev()
    assert show.position() == 0
    _until(lambda: ShowControl(client).scenes().program == "Starting Soon")
    with pytest.raises(UsageError, match="no segment 9"):
        show.goto(8)


def test_run_of_show_in_studio_mode_goes_to_preview(client):
    ShowControl(client).studio_mode(True)
    applied = RunOfShow(client, SEGMENTS).goto(2)
    assert applied.to_preview
    _until(lambda: ShowControl(client).scenes().preview == "Speaker + Slides")
    assert ShowControl(client).scenes().program == "Starting Soon"


def test_segment_naming_a_missing_scene_changes_nothing(client):
    before = ShowControl(client).get_text("Lower Third")
    bad = [Segment(title="Oops", scene="Keynote", text={"Lower Third": "should not appear"})]
    with pytest.raises(UsageError, match="scene 'Keynote'"):
        RunOfShow(client, bad).goto(0)
    assert ShowControl(client).get_text("Lower Third") == before


def test_stream_start_and_stop_to_loopback_rtmp(client, rtmp_server, events):
    client.request(
        "SetStreamServiceSettings",
        {
            "streamServiceType": "rtmp_custom",
            "streamServiceSettings": {"server": rtmp_server.url, "key": "streamkit-test"},
        },
    )
    control = ShowControl(client)
    started = control.start_stream()
    assert started.active
    control.start_stream()  # already live: no error, still live
    stopped = control.stop_stream()
    assert not stopped.active
    with pytest.raises(ObsRequestFailed) as caught:
        client.request("StopStream")
    assert caught.value.code == 501  # OutputNotRunning


def _cli_config(tmp_path, obs) -> str:
    return str(
        write_config(
            tmp_path / "streamkit.yaml",
            f"""\
obs:
  host: 127.0.0.1
  port: {obs.port}
  password: env:TEST_OBS_PASSWORD
show:
  ndi_senders: ["ZOOM-PC (Zoom - Gallery)"]
  segments:
    - title: Doors open
      scene: Starting Soon
    - title: Talk
      scene: Speaker
      text: {{Lower Third: Grace Hopper}}
""",
        )
    )


def test_cli_scene_segments_and_stop_confirmation(show_obs, client, tmp_path):
    config = _cli_config(tmp_path, show_obs)
    env = {"TEST_OBS_PASSWORD": show_obs.password}
    result = run_cli("-c", config, "show", "scene", "Speaker", env=env)
    assert result.returncode == 0, result.stderr
    _until(lambda: ShowControl(client).scenes().program == "Speaker")
    result = run_cli("-c", config, "show", "goto", "2", env=env)
    assert result.returncode == 0 and "Talk -> Speaker on program" in result.stdout
    listing = run_cli("-c", config, "show", "segments", env=env).stdout
    assert "> " in listing.splitlines()[1] and "Talk" in listing.splitlines()[1]
    result = run_cli("-c", config, "show", "ndi", "list", env=env)
    assert "NDI Speaker:" in result.stdout
    assert "the NDI plugin is not loaded in OBS" in result.stderr  # Debian's OBS has none
    result = run_cli("-c", config, "show", "ndi", "senders", "NDI Speaker", env=env)
    assert result.returncode == 0 and "ZOOM-PC (Zoom - Gallery)" in result.stdout
    typo = run_cli("-c", config, "show", "ndi", "switch", "NDI Speaker", "ZOOM-PC (Zom)", env=env)
    assert typo.returncode == 2 and "the NDI plugin is not loaded" in typo.stderr
    result = run_cli("-c", config, "show", "stream", "stop", env=env)
    assert result.returncode == 2 and "--yes" in result.stderr
    result = run_cli("-c", config, "show", "scene", "Nope", env=env)
    assert result.returncode == 2 and "no scene named 'Nope'" in result.stderr
