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
