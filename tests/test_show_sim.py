"""Show control where real OBS cannot play the part: NDI senders the plugin lists."""

from __future__ import annotations

import pytest

from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.show.control import ShowControl
from streamkit.show.ndi import NdiControl
from streamkit.simulator.server import SimulatorThread


@pytest.fixture
def client():
    with SimulatorThread(password="sim-pw") as sim, ObsClient(sim.host, sim.port, "sim-pw") as c:
        yield c


def test_a_sender_ndi_does_not_list_is_refused_unless_forced(client):
    ndi = NdiControl(client)
    before = {i.name: i.sender for i in ndi.inputs()}
    assert "NDI Speaker" in before
    with pytest.raises(UsageError) as caught:
        ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Typo)")
    assert "ZOOM-PC (Zoom - Gallery)" in str(caught.value)  # the senders there are
    assert {i.name: i.sender for i in ndi.inputs()} == before  # nothing changed
    assert (
        ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Typo)", force=True).sender
        == "ZOOM-PC (Zoom - Typo)"
    )
    assert (
        ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Gallery)").sender == "ZOOM-PC (Zoom - Gallery)"
    )


def test_unknown_input_names_list_the_inputs(client):
    control = ShowControl(client)
    for action in (
        lambda: control.mute("Nope"),
        lambda: control.set_volume_db("Nope", -3),
        lambda: control.set_text("Nope", "x"),
        lambda: control.toggle_mute("Nope"),
    ):
        with pytest.raises(UsageError) as caught:
            action()
        assert "no input named 'Nope'" in str(caught.value)
        assert "Lower Third" in str(caught.value)


@pytest.mark.parametrize(
    "args",
    [("scene", ""), ("preview", " "), ("ndi", "switch", "NDI Speaker", ""), ("mute", "")],
)
def test_an_empty_name_is_refused_before_obs_is_asked(args):
    from tests.cli import run_cli

    result = run_cli("show", *args)  # no OBS: the parser refuses it first
    assert result.returncode == 2
    assert "cannot be empty" in result.stderr
    assert "300" not in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def sim():
    from streamkit.simulator.state import demo_state

    with SimulatorThread(password="sim-pw", state=demo_state()) as simulator:
        yield simulator


def _ndi(sim, configured=(), sleep=None):
    client = ObsClient(sim.host, sim.port, "sim-pw").connect()
    return client, NdiControl(client, list(configured), sleep=sleep or (lambda s: None))


def test_before_any_sender_is_discovered_only_configured_names_go(sim):
    sim.call(lambda: sim.state.ndi_senders.clear())  # the plugin's list, empty at first
    waits: list[float] = []
    client, ndi = _ndi(sim, ["ZOOM-PC (Zoom - Gallery)"], sleep=waits.append)
    with client:
        listing = ndi.senders("NDI Speaker")
        assert waits == []  # a command asks once and does not wait for the plugin's refresh
        assert listing.source == "config" and listing.plugin
        with pytest.raises(UsageError, match="no NDI sender has been discovered yet"):
            ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Galery)")
        assert ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Gallery)").sender.endswith("Gallery)")


def test_an_unknown_sender_is_refused_with_the_closest_names(sim):
    client, ndi = _ndi(sim)
    with client:
        with pytest.raises(UsageError) as refused:
            ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Galery)")
        assert "NDI does not see a sender by that name" in str(refused.value)
        assert "closest: ZOOM-PC (Zoom - Gallery)" in str(refused.value)


def test_without_the_plugin_the_reason_is_the_plugin(sim):
    sim.call(lambda: sim.state.lose_plugin("ndi_source"))
    client, ndi = _ndi(sim)
    with client:
        assert ndi.senders("NDI Speaker").plugin is False
        with pytest.raises(UsageError, match="the NDI plugin is not loaded in OBS"):
            ndi.switch("NDI Speaker", "ZOOM-PC (Zoom - Gallery)")
