"""What streamkit.obs.link relies on in obsws-python's handshake class, checked on a real
connection (the simulator): an upgrade that changes it fails here, not on event night."""

from __future__ import annotations

import inspect

import websocket
from obsws_python.baseclient import ObsClient as Handshake
from obsws_python.error import OBSSDKError

from streamkit.simulator.server import SimulatorThread

PASSWORD = "surface-test-password"


def test_handshake_class_takes_the_keywords_link_passes():
    parameters = inspect.signature(Handshake.__init__).parameters
    assert "kwargs" in parameters  # host, port, password, subs, timeout go in as keywords
    assert callable(Handshake.authenticate)
    assert issubclass(OBSSDKError, Exception)


def test_handshake_leaves_an_identified_socket_and_the_hello():
    with SimulatorThread(password=PASSWORD) as sim:
        shake = Handshake(host=sim.host, port=sim.port, password=PASSWORD, subs=0, timeout=5)
        try:
            assert isinstance(shake.ws, websocket.WebSocket)
            hello = shake.server_hello
            assert hello["op"] == 0 and "authentication" in hello["d"]
            shake.authenticate()  # raises on a refused identification
            assert shake.ws.connected
            assert shake.password == PASSWORD  # the attribute link.py blanks after use
        finally:
            shake.ws.close()


def test_frame_readers_take_the_utf8_switch_link_sets():
    """link.skip_utf8_validation sets the switches the WebSocket constructor would have set."""
    from streamkit.obs.link import skip_utf8_validation

    def switches(ws: websocket.WebSocket) -> dict[str, object]:
        return {
            name: value
            for reader in (ws.frame_buffer, ws.cont_frame)
            for name, value in vars(reader).items()
            if "utf8" in name
        }

    made = websocket.WebSocket(skip_utf8_validation=True)
    assert switches(made) == {"skip_utf8_validation": True}
    ws = websocket.WebSocket()
    assert switches(ws) == {"skip_utf8_validation": False}
    skip_utf8_validation(ws)
    assert ws.frame_buffer.skip_utf8_validation is ws.cont_frame.skip_utf8_validation is True
