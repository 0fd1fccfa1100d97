"""Fault injection on the simulated OBS's network and NDI senders, callable from any thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from streamkit.simulator.outputs import Outputs
from streamkit.simulator.registry import Context
from streamkit.simulator.req_outputs import start_output, stop_output
from streamkit.simulator.state import SimState

T = TypeVar("T")


class StreamFaults:
    """Congestion, reconnects, NDI senders coming and going, and the operator's Start/Stop
    buttons. Mixed into `Simulator`, which provides what is declared here."""

    state: SimState
    outputs: Outputs
    clock: Callable[[], float]

    if TYPE_CHECKING:  # provided by Simulator

        def call(self, action: Callable[..., T], *args: Any) -> T: ...

        def emit(self, event_type: str, data: dict[str, Any] | None = None) -> None: ...

        def _context(self) -> Context: ...

    def congest(self, level: float, drop_ratio: float = 0.0) -> None:
        """Network congestion: outputCongestion=`level` (0..1); `drop_ratio` of frames skipped."""
        if not 0.0 <= level <= 1.0 or not 0.0 <= drop_ratio <= 1.0:
            raise ValueError("congestion level and drop ratio must be between 0 and 1")

        def apply() -> None:
            self.outputs.stream.advance(self.clock())
            self.outputs.stream.congestion = level
            self.outputs.stream.drop_ratio = drop_ratio

        self.call(apply)

    def clear_congestion(self) -> None:
        """The network is healthy again."""
        self.congest(0.0, 0.0)

    def reconnect_stream(self, seconds: float) -> bool:
        """Drop the stream's connection for `seconds`; False when not streaming.

        Emits StreamStateChanged OBS_WEBSOCKET_OUTPUT_RECONNECTING now and ..._RECONNECTED
        once `clock()` has advanced by `seconds` (checked every tick).
        """

        def apply() -> bool:
            stream = self.outputs.stream
            if not stream.active:
                return False
            stream.advance(self.clock())
            stream.reconnecting = True
            stream.reconnect_until = self.clock() + seconds
            self.emit(
                "StreamStateChanged",
                {"outputActive": True, "outputState": "OBS_WEBSOCKET_OUTPUT_RECONNECTING"},
            )
            return True

        return self.call(apply)

    def remove_ndi_sender(self, name: str) -> bool:
        """An NDI sender disappears from the network; False when it was not there."""

        def apply() -> bool:
            if name not in self.state.ndi_senders:
                return False
            self.state.ndi_senders.remove(name)
            return True

        return self.call(apply)

    def add_ndi_sender(self, name: str) -> bool:
        """An NDI sender appears on the network; False when it was already there."""

        def apply() -> bool:
            if name in self.state.ndi_senders:
                return False
            self.state.ndi_senders.append(name)
            return True

        return self.call(apply)

    def start_stream(self) -> bool:
        """Press Start Streaming in OBS; False when live (or connecting) already.

        Like StartStream, the stream goes live only once the profile's server answers.
        """

        def apply() -> bool:
            if self.outputs.stream.active or self.outputs.stream.connecting:
                return False
            start_output(self._context(), self.outputs.stream)
            return True

        return self.call(apply)

    def stream_phase(self) -> str:
        """ "live", "connecting" (to the profile's server) or "off"."""

        def read() -> str:
            stream = self.outputs.stream
            return "live" if stream.active else "connecting" if stream.connecting else "off"

        return self.call(read)

    def stop_stream(self) -> bool:
        """Stop streaming as if someone pressed Stop Streaming; False when not live."""

        def apply() -> bool:
            if not self.outputs.stream.active:
                return False
            stop_output(self._context(), self.outputs.stream)
            return True

        return self.call(apply)
