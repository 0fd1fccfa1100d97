"""Contract: NDI inputs with the plugin loaded (simulator only: the test OBS has no DistroAV) and
without it (simulator and real OBS, started with the show collection's NDI inputs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from streamkit.simulator.server import SimulatorThread
from streamkit.simulator.state import demo_state
from tests.contract.conftest import ALL_LOW_VOLUME, Backend, RawClient, unique

SPEAKER = "NDI Speaker"
SENDER = "ZOOM-PC (Zoom - Active Speaker)"
NOT_LOADED = "Your specified input kind is not supported by OBS. Check that your specified kind is "
NO_AUDIO = {"result": False, "code": 604, "comment": "The specified input does not support audio."}


@pytest.fixture(params=["plugin", "no plugin"])
def plugin(request: pytest.FixtureRequest, obs_backend: Backend) -> bool:
    """True where the NDI plugin is loaded."""
    loaded = request.param == "plugin"
    if loaded and obs_backend.kind == "real":
        pytest.skip("the test bed's OBS has no NDI plugin")
    return loaded


@pytest.fixture
def ndi(obs_backend: Backend, plugin: bool, request: pytest.FixtureRequest) -> Iterator[RawClient]:
    """A raw client to an OBS whose collection has NDI inputs named as in the show collection."""
    if obs_backend.kind == "real":
        show = request.getfixturevalue("show_obs")
        backend = Backend("real", show.host, show.port, show.password)
        with backend.raw(ALL_LOW_VOLUME) as raw:
            yield raw
        return
    state = demo_state()
    if not plugin:
        state.lose_plugin("ndi_source")
    with (
        SimulatorThread(password=obs_backend.password, state=state) as sim,
        Backend("simulator", sim.host, sim.port, obs_backend.password).raw(ALL_LOW_VOLUME) as raw,
    ):
        yield raw


def test_ndi_inputs_keep_their_kind_and_settings(ndi: RawClient, plugin: bool) -> None:
    listed = {i["inputName"]: i for i in ndi.call("GetInputList")["inputs"]}
    assert listed[SPEAKER]["inputKind"] == listed[SPEAKER]["unversionedInputKind"] == "ndi_source"
    settings = ndi.call("GetInputSettings", {"inputName": SPEAKER})
    assert settings["inputKind"] == "ndi_source"
    assert settings["inputSettings"]["ndi_source_name"] == SENDER


def test_switching_the_sender_is_a_settings_change(ndi: RawClient, plugin: bool) -> None:
    other = "CAM-PC (OBS - Program)"
    ndi.call(
        "SetInputSettings", {"inputName": SPEAKER, "inputSettings": {"ndi_source_name": other}}
    )
    try:
        read = ndi.call("GetInputSettings", {"inputName": SPEAKER})["inputSettings"]
        assert read["ndi_source_name"] == other
    finally:
        ndi.call(
            "SetInputSettings", {"inputName": SPEAKER, "inputSettings": {"ndi_source_name": SENDER}}
        )


def test_the_kind_is_known_only_with_the_plugin(ndi: RawClient, plugin: bool) -> None:
    assert ("ndi_source" in ndi.call("GetInputKindList")["inputKinds"]) is plugin
    defaults = ndi.request("GetInputDefaultSettings", {"inputKind": "ndi_source"})
    assert defaults["requestStatus"]["result"] is plugin
    scene = ndi.call("GetCurrentProgramScene")["currentProgramSceneName"]
    name = unique("ndi")
    created = ndi.request(
        "CreateInput", {"sceneName": scene, "inputName": name, "inputKind": "ndi_source"}
    )
    if plugin:
        assert created["requestStatus"] == {"result": True, "code": 100}
        ndi.call("RemoveInput", {"inputName": name})
    else:
        status = created["requestStatus"]
        assert (status["code"], status["comment"].startswith(NOT_LOADED)) == (605, True)


def test_the_senders_are_listed_only_with_the_plugin(ndi: RawClient, plugin: bool) -> None:
    query = {"inputName": SPEAKER, "propertyName": "ndi_source_name"}
    response = ndi.request("GetInputPropertiesListPropertyItems", query)
    if plugin:
        assert SENDER in [i["itemValue"] for i in response["responseData"]["propertyItems"]]
    else:
        assert response["requestStatus"] == {
            "result": False,
            "code": 600,
            "comment": "Unable to find a property by that name.",
        }


def test_audio_and_picture_only_with_the_plugin(ndi: RawClient, plugin: bool) -> None:
    mute = ndi.request("GetInputMute", {"inputName": SPEAKER})
    set_mute = ndi.request("SetInputMute", {"inputName": SPEAKER, "inputMuted": False})
    volume = ndi.request("GetInputVolume", {"inputName": SPEAKER})
    shot = ndi.request("GetSourceScreenshot", {"sourceName": SPEAKER, "imageFormat": "png"})
    if plugin:
        assert mute["responseData"]["inputMuted"] is False
        assert set_mute["requestStatus"]["result"] and volume["requestStatus"]["result"]
        assert shot["responseData"]["imageData"].startswith("data:image/png;base64,")
    else:
        assert mute["requestStatus"] == set_mute["requestStatus"] == NO_AUDIO
        assert volume["requestStatus"] == NO_AUDIO
        assert shot["requestStatus"] == {
            "result": False,
            "code": 702,
            "comment": "Failed to render screenshot.",
        }
