"""An obs-websocket v5 server that behaves like OBS 32 (websocket 5.7), with fault injection.

Use it in-process (`Simulator`, asyncio) or from synchronous code (`SimulatorThread`)::

    with SimulatorThread(password="secret") as sim:
        client = obsws_python.ReqClient(host=sim.host, port=sim.port, password="secret")
        sim.congest(0.6, drop_ratio=0.1)      # fault injection works from any thread

The state (`SimState`, see `sim_state.demo_state`) is served faithfully: requests validate and
fail with OBS's status codes and wording, events go only to clients subscribed to them, and the
stream/record outputs and GetStats evolve with `clock` (inject one for deterministic tests).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any, TypeVar

from websockets.asyncio.server import Server, ServerConnection, serve

from streamkit.simulator import events as sim_events
from streamkit.simulator.faults import StreamFaults
from streamkit.simulator.meters import volume_meters
from streamkit.simulator.outputs import Outputs
from streamkit.simulator.protocol import Session
from streamkit.simulator.registry import Context
from streamkit.simulator.state import DEMO_INGEST, SimState, demo_state

log = logging.getLogger(__name__)
T = TypeVar("T")

METER_INTERVAL = 0.05  # InputVolumeMeters cadence of obs-websocket


def _select_subprotocol(connection: ServerConnection, offered: Sequence[str]) -> str | None:
    """JSON is the default encoding; a client offering no subprotocol gets it too."""
    return "obswebsocket.json" if "obswebsocket.json" in offered else None


class Simulator(StreamFaults):
    """A simulated OBS serving obs-websocket v5 on one port.

    `password` None disables authentication; `state` defaults to `demo_state()`; `clock` is a
    monotonic-seconds function driving outputs and stats. Fault methods (`congest`,
    `reconnect_stream`, `crash`, ...) may be called from any thread.
    """

    def __init__(
        self,
        password: str | None = None,
        state: SimState | None = None,
        clock: Callable[[], float] = time.monotonic,
        meter_interval: float = METER_INTERVAL,
    ) -> None:
        self.password = password
        self.state = state if state is not None else demo_state()
        self.clock = clock
        self.outputs = Outputs(clock)
        self.host = "127.0.0.1"
        self.port = 0
        self.meter_interval = meter_interval
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._sessions: set[Session] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._timers: list[asyncio.TimerHandle] = []
        self._background: set[asyncio.Future[None]] = set()
        self._down = False
        self._ingest: asyncio.Server | None = None
        self.ingest_url = ""

    def __repr__(self) -> str:  # never shows the password
        auth = "on" if self.password else "off"
        return f"Simulator(host={self.host!r}, port={self.port}, auth={auth})"

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen on host:port (0 = any free port) and return the bound port."""
        self._loop = asyncio.get_running_loop()
        self.host = host
        await self._listen(port)
        await self._open_ingest()
        self._ticker = asyncio.create_task(self._tick_forever())
        log.info("OBS simulator listening on %s:%s", host, self.port)
        return self.port

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._ticker:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        await self._close_server()
        if self._ingest is not None:
            self._ingest.close()
            await self._ingest.wait_closed()
            self._ingest = None

    @property
    def is_up(self) -> bool:
        """False while "crashed"."""
        return self._server is not None and not self._down

    @property
    def session_count(self) -> int:
        return sum(1 for s in self._sessions if s.identified)

    async def _listen(self, port: int) -> None:
        self._server = await serve(
            self._serve_connection,
            self.host,
            port,
            select_subprotocol=_select_subprotocol,
            max_size=2**26,
            ping_interval=None,
            compression=None,
        )
        sock = next(iter(self._server.sockets))
        self.port = sock.getsockname()[1]
        self._down = False

    async def _open_ingest(self) -> None:
        """A loopback TCP sink standing in for an RTMP server: the demo profile streams to it
        (`ingest_url`), so its stream starts where a real OBS's would."""

        async def discard(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while await reader.read(65536):
                pass
            writer.close()

        self._ingest = await asyncio.start_server(discard, self.host, 0)
        ingest_port = next(iter(self._ingest.sockets)).getsockname()[1]
        self.ingest_url = f"rtmp://{self.host}:{ingest_port}/live"
        for profile in self.state.profiles:
            if profile.stream_service_settings.get("server") == DEMO_INGEST:
                profile.stream_service_settings["server"] = self.ingest_url

    async def _close_server(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        if not self._down:
            self.emit("ExitStarted")
        for session in list(self._sessions):
            await session.close(1001, "Server stopping.")
        server.close()
        await server.wait_closed()

    async def _serve_connection(self, ws: ServerConnection) -> None:
        session = Session(ws, self.password, self._context)
        self._sessions.add(session)
        try:
            await session.run()
        finally:
            self._sessions.discard(session)

    # -- requests, events, time --------------------------------------------------------------

    def _context(self, session: Session | None = None) -> Context:
        stats = session.stats if session is not None else {}
        return Context(self.state, self.outputs, self.emit, self._later, self._spawn, stats)

    def emit(self, event_type: str, data: dict[str, Any] | None = None) -> None:
        """Send an event to every identified session subscribed to it (event-loop thread)."""
        for session in list(self._sessions):
            session.send_event(event_type, data)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        if self._loop is None:
            action()
            return
        handle = self._loop.call_later(max(0.0, delay), action)
        self._timers = [t for t in self._timers if not t.cancelled()] + [handle]

    def tick(self) -> None:
        """Advance time-driven state to `clock()`: outputs, end of a reconnect fault."""
        now = self.clock()
        for output in self.outputs.all():
            output.advance(now)
        if self.outputs.reconnect_due():
            self.outputs.stream.reconnecting = False
            self.outputs.stream.reconnect_until = None
            self.emit(
                "StreamStateChanged",
                {"outputActive": True, "outputState": "OBS_WEBSOCKET_OUTPUT_RECONNECTED"},
            )

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.meter_interval)
            try:
                self.tick()
                if any(s.wants(sim_events.INPUT_VOLUME_METERS) for s in self._sessions):
                    self.emit("InputVolumeMeters", volume_meters(self.state, self.clock()))
            except Exception:
                log.exception("simulator tick failed")

    # -- thread-safe access ------------------------------------------------------------------

    def call(self, action: Callable[..., T], *args: Any) -> T:
        """Run `action(*args)` on the simulator's event loop and return its result."""
        loop = self._loop
        if loop is None or not loop.is_running():
            return action(*args)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            return action(*args)
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(action(*args))
            except BaseException as exc:
                future.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return future.result(timeout=10)

    # -- crash and recovery (the other faults are in StreamFaults) ---------------------------

    def crash(self, down_for: float | None = None) -> None:
        """OBS dies: connections drop without a close frame, new ones are refused.

        After `down_for` seconds (never, when None: call `recover()`), the server comes back
        on the same port with the same scenes; outputs are stopped, as after a restart.
        """
        self.call(self._crash, down_for)

    def recover(self) -> None:
        """Bring a crashed simulator back on the same port."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("the simulator was never started")
        try:
            in_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            in_loop = False
        if in_loop:
            self._spawn(self._recover())
        else:
            asyncio.run_coroutine_threadsafe(self._recover(), loop).result(timeout=10)

    def _crash(self, down_for: float | None) -> None:
        if self._down or self._server is None or self._loop is None:
            return
        self._down = True
        for session in list(self._sessions):
            transport = session.ws.transport
            if transport is not None:
                transport.abort()
        now = self.clock()
        for output in self.outputs.all():
            if output.active:
                output.stop(now)
        server = self._server
        server.server.close()  # the listening socket now: a dead process refuses at once
        server.close(close_connections=False)  # (its own close stops listening in a task)
        if down_for is not None:
            self._later(down_for, lambda: self._spawn(self._recover()))

    async def _recover(self) -> None:
        if not self._down or self._server is None:
            return
        await self._server.wait_closed()
        await self._listen(self.port)
        log.info("OBS simulator back on %s:%s", self.host, self.port)

    def schedule(self, faults: Iterable[tuple[float, Callable[[], Any]]]) -> None:
        """Run each `(seconds_after_now, action)` on the loop (timed faults of a scenario)."""

        def arm() -> None:
            for delay, action in faults:
                self._later(delay, action)

        self.call(arm)


class SimulatorThread:
    """A `Simulator` running on its own event loop in a background thread (context manager).

    `host`/`port` tell where it listens; fault methods are forwarded to the simulator.
    """

    def __init__(
        self,
        password: str | None = None,
        state: SimState | None = None,
        clock: Callable[[], float] = time.monotonic,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.sim = Simulator(password=password, state=state, clock=clock)
        self.host = host
        self._wanted_port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"SimulatorThread({self.sim!r})"

    @property
    def port(self) -> int:
        return self.sim.port

    @property
    def state(self) -> SimState:
        return self.sim.state

    @property
    def ingest_url(self) -> str:
        """rtmp:// URL of the simulator's loopback stream sink (reachable, accepts the stream)."""
        return self.sim.ingest_url

    def start(self) -> SimulatorThread:
        """Start the loop thread and wait until the server listens."""
        ready: concurrent.futures.Future[int] = concurrent.futures.Future()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.sim.start(self.host, self._wanted_port))
            except BaseException as exc:
                ready.set_exception(exc)
                loop.close()
                return
            ready.set_result(self.sim.port)
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="obs-simulator", daemon=True)
        self._thread.start()
        ready.result(timeout=10)
        return self

    def stop(self) -> None:
        """Stop the server and the loop thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self.sim.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)

    def __enter__(self) -> SimulatorThread:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Fault injection, forwarded (each is safe from any thread).
    def congest(self, level: float, drop_ratio: float = 0.0) -> None:
        self.sim.congest(level, drop_ratio)

    def clear_congestion(self) -> None:
        self.sim.clear_congestion()

    def reconnect_stream(self, seconds: float) -> bool:
        return self.sim.reconnect_stream(seconds)

    def remove_ndi_sender(self, name: str) -> bool:
        return self.sim.remove_ndi_sender(name)

    def add_ndi_sender(self, name: str) -> bool:
        return self.sim.add_ndi_sender(name)

    def start_stream(self) -> bool:
        return self.sim.start_stream()

    def stop_stream(self) -> bool:
        return self.sim.stop_stream()

    def stream_phase(self) -> str:
        return self.sim.stream_phase()

    def crash(self, down_for: float | None = None) -> None:
        self.sim.crash(down_for)

    def recover(self) -> None:
        self.sim.recover()

    def call(self, action: Callable[..., T], *args: Any) -> T:
        return self.sim.call(action, *args)
