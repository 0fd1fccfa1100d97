"""The simulator end to end: demo state, versions, stream simulation, faults, crash and recovery."""

from __future__ import annotations

import json
import socket
import time

import obsws_python
import pytest
from websockets.exceptions import ConnectionClosed

from streamkit.simulator.meters import volume_meters
from streamkit.simulator.requests import available_requests, request_since
from streamkit.simulator.server import Simulator, SimulatorThread
from streamkit.simulator.state import DEMO_NDI_SENDERS, DEMO_SCENES, SimState, demo_state
from tests.contract.conftest import Backend, RawClient
from tests.realobs import ISSUED_SECRETS

PASSWORD = "simulator-unit-password"
ISSUED_SECRETS.append(PASSWORD)


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock):
    with SimulatorThread(password=PASSWORD, clock=clock) as running:
        yield running


@pytest.fixture
def client(sim: SimulatorThread):
    backend = Backend("simulator", sim.host, sim.port, PASSWORD)
    with RawClient.open(backend, (1 << 11) - 1) as raw:
        yield raw


def _tick(sim: SimulatorThread) -> None:
    sim.call(sim.sim.tick)


def test_demo_state_is_a_meetup() -> None:
    state = demo_state()
    coll = state.collection
    assert [s.name for s in coll.scenes] == list(DEMO_SCENES)
    ndi = {i.name: i for i in coll.inputs if i.kind == "ndi_source"}
    assert set(ndi) == {"NDI Speaker", "NDI Screen"}
    assert ndi["NDI Speaker"].settings["ndi_source_name"] == "ZOOM-PC (Zoom - Active Speaker)"
    assert state.ndi_senders == list(DEMO_NDI_SENDERS)
    assert coll.input("Lower Third").kind == "text_ft2_source_v2"
    assert {i.name for i in coll.inputs if i.has_audio} >= {"Host Mic", "Call Audio"}


def test_offers_nothing_newer_than_websocket_5_7() -> None:
    versions = {r: request_since(r) for r in available_requests()}
    assert all(tuple(map(int, v.split("."))) <= (5, 7, 0) for v in versions.values())
    assert versions["GetSourceFilterKindList"] == "5.4.0"
    assert versions["GetCanvasList"] == "5.7.0"


def test_versions_are_obs_32(client: RawClient) -> None:
    version = client.call("GetVersion")
    assert (version["obsVersion"], version["obsWebSocketVersion"]) == ("32.2.2", "5.7.4")
    canvases = client.call("GetCanvasList")["canvases"]
    assert [c["canvasName"] for c in canvases] == ["Main"]


def test_ndi_senders_are_the_property_items(sim: SimulatorThread, client: RawClient) -> None:
    query = {"inputName": "NDI Speaker", "propertyName": "ndi_source_name"}
    items = client.call("GetInputPropertiesListPropertyItems", query)["propertyItems"]
    assert [i["itemName"] for i in items] == list(DEMO_NDI_SENDERS)
    assert sim.remove_ndi_sender("ZOOM-PC (Zoom - Screen Share)") is True
    assert sim.remove_ndi_sender("ZOOM-PC (Zoom - Screen Share)") is False
    items = client.call("GetInputPropertiesListPropertyItems", query)["propertyItems"]
    assert "ZOOM-PC (Zoom - Screen Share)" not in [i["itemValue"] for i in items]
    assert sim.add_ndi_sender("CAM-PC (OBS - Program)") is True
    items = client.call("GetInputPropertiesListPropertyItems", query)["propertyItems"]
    assert items[-1] == {
        "itemName": "CAM-PC (OBS - Program)",
        "itemValue": "CAM-PC (OBS - Program)",
        "itemEnabled": True,
    }
    client.call(
        "SetInputSettings",
        {
            "inputName": "NDI Speaker",
            "inputSettings": {"ndi_source_name": "CAM-PC (OBS - Program)"},
        },
    )
    assert (
        client.call("GetInputSettings", {"inputName": "NDI Speaker"})["inputSettings"][
            "ndi_source_name"
        ]
        == "CAM-PC (OBS - Program)"
    )


def test_a_vanished_ndi_sender_goes_silent() -> None:
    state = demo_state()
    levels = {e["inputName"]: e for e in volume_meters(state, 12.3)["inputs"]}
    assert max(levels["NDI Screen"]["inputLevelsMul"][0]) > 0
    state.ndi_senders.remove("ZOOM-PC (Zoom - Screen Share)")
    levels = {e["inputName"]: e for e in volume_meters(state, 12.3)["inputs"]}
    assert levels["NDI Screen"]["inputLevelsMul"] == [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    assert "Lower Third" not in levels  # text has no audio


def test_muted_inputs_meter_silence_after_the_fader() -> None:
    state = demo_state()
    state.collection.input("Host Mic").muted = True
    mic = next(e for e in volume_meters(state, 3.0)["inputs"] if e["inputName"] == "Host Mic")
    assert [channel[:2] for channel in mic["inputLevelsMul"]] == [[0.0, 0.0], [0.0, 0.0]]
    assert mic["inputLevelsMul"][0][2] > 0  # the input peak is before the fader


def test_streaming_evolves_with_the_clock(sim, client: RawClient, clock: FakeClock) -> None:
    client.call(
        "SetProfileParameter",
        {
            "parameterCategory": "SimpleOutput",
            "parameterName": "VBitrate",
            "parameterValue": "6000",
        },
    )
    client.call("StartStream")
    assert client.wait_event("StreamStateChanged")["outputState"] == "OBS_WEBSOCKET_OUTPUT_STARTING"
    assert client.wait_event("StreamStateChanged") == {
        "outputActive": True,
        "outputState": "OBS_WEBSOCKET_OUTPUT_STARTED",
    }
    assert client.request("StartStream")["requestStatus"] == {"result": False, "code": 500}
    clock.now += 60
    status = client.call("GetStreamStatus")
    assert status["outputTimecode"] == "00:01:00.000"
    assert status["outputTotalFrames"] == 1800
    assert status["outputBytes"] == 6160 * 125 * 60  # video + audio bitrate
    video_change = client.request("SetVideoSettings", {"baseWidth": 1280, "baseHeight": 720})
    assert video_change["requestStatus"]["code"] == 500
    sim.congest(0.6, drop_ratio=0.1)
    clock.now += 10
    status = client.call("GetStreamStatus")
    assert status["outputCongestion"] == 0.6
    assert status["outputSkippedFrames"] == 30
    stats = client.call("GetStats")
    assert (stats["outputSkippedFrames"], stats["outputTotalFrames"]) == (30, 2100)
    sim.clear_congestion()
    clock.now += 10
    assert client.call("GetStreamStatus")["outputSkippedFrames"] == 30
    assert client.call("ToggleStream") == {"outputActive": False}
    assert client.wait_event(
        "StreamStateChanged", lambda d: d["outputState"] == "OBS_WEBSOCKET_OUTPUT_STOPPED"
    )


def test_reconnect_fault(sim, client: RawClient, clock: FakeClock) -> None:
    assert sim.reconnect_stream(5) is False  # not streaming
    client.call("StartStream")
    client.wait_event("StreamStateChanged", lambda d: d["outputState"].endswith("STARTED"))
    assert sim.reconnect_stream(5) is True
    assert client.wait_event(
        "StreamStateChanged", lambda d: d["outputState"].endswith("RECONNECTING")
    ) == {"outputActive": True, "outputState": "OBS_WEBSOCKET_OUTPUT_RECONNECTING"}
    assert client.call("GetStreamStatus")["outputReconnecting"] is True
    clock.now += 4
    _tick(sim)
    assert client.call("GetStreamStatus")["outputReconnecting"] is True
    clock.now += 1
    _tick(sim)
    assert (
        client.wait_event("StreamStateChanged", lambda d: d["outputState"].endswith("RECONNECTED"))[
            "outputActive"
        ]
        is True
    )
    assert client.call("GetStreamStatus")["outputReconnecting"] is False


def test_recording(client: RawClient, clock: FakeClock) -> None:
    client.call("StartRecord")
    started = client.wait_event(
        "RecordStateChanged", lambda d: d["outputState"] == "OBS_WEBSOCKET_OUTPUT_STARTED"
    )
    assert started["outputPath"].endswith(".mkv")
    clock.now += 2
    client.call("PauseRecord")
    assert client.request("PauseRecord")["requestStatus"]["code"] == 502
    clock.now += 5
    status = client.call("GetRecordStatus")
    assert status["outputPaused"] is True and status["outputDuration"] == 7000
    client.call("ResumeRecord")
    stopped = client.call("StopRecord")
    assert stopped["outputPath"] == started["outputPath"]


def test_volume_meters_every_50_ms(sim: SimulatorThread) -> None:
    backend = Backend("simulator", sim.host, sim.port, PASSWORD)
    with RawClient.open(backend, 1 << 16) as metered:
        started = time.monotonic()
        metered.wait_event("InputVolumeMeters")
        count = len([e for e in metered.drain(0.5) if e["eventType"] == "InputVolumeMeters"])
        assert 5 <= count <= 12, count
        assert time.monotonic() - started < 3
        names = {i["inputName"] for i in metered.events[0]["eventData"]["inputs"]}
        assert {"Host Mic", "Call Audio", "NDI Speaker"} <= names


def test_crash_drops_connections_and_comes_back(sim: SimulatorThread, client: RawClient) -> None:
    client.call("CreateScene", {"sceneName": "Survives"})
    sim.crash(down_for=3.0)  # returns once the listener is closed
    # the refusal first: waiting for the dropped connection first could outlast the 3 s
    with pytest.raises(ConnectionRefusedError), socket.create_connection((sim.host, sim.port), 1):
        pass
    with pytest.raises(ConnectionClosed):
        client.ws.recv(timeout=3)
    assert client.ws.protocol.close_rcvd is None  # no close frame: the process "died"
    deadline = time.monotonic() + 8
    while True:
        try:
            again = obsws_python.ReqClient(
                host=sim.host, port=sim.port, password=PASSWORD, timeout=2
            )
            break
        except ConnectionRefusedError:
            assert time.monotonic() < deadline, "the simulator did not come back"
            time.sleep(0.05)
    try:
        scenes = again.send("GetSceneList", raw=True)["scenes"]
        assert "Survives" in [s["sceneName"] for s in scenes]
    finally:
        again.disconnect()


def test_crash_until_recover(sim: SimulatorThread) -> None:
    sim.crash()
    assert not sim.sim.is_up
    time.sleep(0.2)
    with pytest.raises(ConnectionRefusedError), socket.create_connection((sim.host, sim.port), 1):
        pass
    sim.recover()
    assert sim.sim.is_up
    client = obsws_python.ReqClient(host=sim.host, port=sim.port, password=PASSWORD, timeout=2)
    client.disconnect()


def test_a_crash_stops_the_stream(sim: SimulatorThread, client: RawClient) -> None:
    client.call("StartStream")
    client.wait_event("StreamStateChanged", lambda d: d["outputState"].endswith("STARTED"))
    sim.crash()
    sim.recover()
    backend = Backend("simulator", sim.host, sim.port, PASSWORD)
    with RawClient.open(backend, 0) as again:
        assert again.call("GetStreamStatus")["outputActive"] is False


def test_without_password_there_is_no_challenge() -> None:
    with SimulatorThread(state=SimState.fresh()) as sim:
        client = obsws_python.ReqClient(host=sim.host, port=sim.port, password="", timeout=2)
        try:
            assert client.send("GetSceneList", raw=True)["currentProgramSceneName"] == "Scene"
        finally:
            client.disconnect()
        from websockets.sync.client import connect

        with connect(f"ws://{sim.host}:{sim.port}") as ws:
            hello = json.loads(ws.recv(timeout=2))
            assert "authentication" not in hello["d"]


def test_repr_never_shows_the_password(sim: SimulatorThread) -> None:
    assert PASSWORD not in repr(sim) and PASSWORD not in repr(sim.sim)
    assert "auth=on" in repr(sim.sim)


def test_congest_rejects_nonsense(sim: SimulatorThread) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        sim.congest(1.5)


def test_asyncio_api() -> None:
    import asyncio

    async def scenario() -> tuple[int, bool]:
        sim = Simulator(state=SimState.fresh())
        port = await sim.start()
        up = sim.is_up
        await sim.stop()
        return port, up

    port, up = asyncio.run(scenario())
    assert port > 0 and up


def test_requests_while_a_collection_loads_are_not_ready(client: RawClient) -> None:
    """As obs-websocket: between CurrentSceneCollectionChanging and ...Changed every request,
    and every batch (checked once), is answered 207."""
    not_ready = {
        "result": False,
        "code": 207,
        "comment": "OBS is not ready to perform the request.",
    }
    client.call("CreateSceneCollection", {"sceneCollectionName": "Loading"})
    assert client.request("GetSceneList")["requestStatus"] == not_ready
    batch = [{"requestType": "GetVersion"}, {"requestType": "GetSceneList"}]
    assert [r["requestStatus"] for r in client.batch(batch, haltOnFailure=True)] == [not_ready]
    assert [r["requestStatus"]["code"] for r in client.batch(batch)] == [207, 207]
    client.wait_event(
        "CurrentSceneCollectionChanged", lambda d: d["sceneCollectionName"] == "Loading"
    )
    assert client.call("GetSceneCollectionList")["currentSceneCollectionName"] == "Loading"
    assert [e["eventType"] for e in client.events if "SceneCollection" in e["eventType"]] == [
        "CurrentSceneCollectionChanging",
        "SceneCollectionListChanged",
    ]
