"""`streamkit simulate`: run the built-in OBS simulator so any obs-websocket client can use it."""

from __future__ import annotations

import argparse
import os
import sys
import threading

from streamkit.errors import UsageError

PASSWORD_ENV_DEFAULT = "STREAMKIT_SIM_PASSWORD"


# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "simulate": "run a simulated OBS (obs-websocket v5) for demos, tests and rehearsals",
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "simulate",
        help=COMMANDS["simulate"],
        description=(
            "Serve obs-websocket v5 like OBS 32.2 (websocket 5.7.4) would, with the meetup demo "
            "scenes or a scenario file. The password is read from the environment variable "
            f"named by --password-env (default {PASSWORD_ENV_DEFAULT}); without one, "
            "authentication is off."
        ),
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; obs-websocket has no TLS, keep it private)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=4455,
        help="port to listen on (default: 4455; 0 picks a free one)",
    )
    parser.add_argument(
        "--password-env",
        metavar="NAME",
        default=None,
        help=f"environment variable holding the websocket password "
        f"(default: {PASSWORD_ENV_DEFAULT}, if set)",
    )
    parser.add_argument(
        "--password",
        default=None,
        help="the websocket password itself (visible in process lists: prefer --password-env)",
    )
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        help="YAML scenario: initial scenes, inputs, NDI senders and timed faults",
    )
    parser.set_defaults(handler=cmd_simulate)


def resolve_password(args: argparse.Namespace, environ: dict[str, str] | None = None) -> str | None:
    """--password, else the variable named by --password-env, else STREAMKIT_SIM_PASSWORD."""
    environ = dict(os.environ) if environ is None else environ
    if args.password is not None and args.password_env is not None:
        raise UsageError("give --password or --password-env, not both")
    if args.password is not None:
        if not args.password:
            raise UsageError("--password is empty; omit it to turn authentication off")
        return args.password
    name = args.password_env or PASSWORD_ENV_DEFAULT
    value = environ.get(name)
    if args.password_env is not None and not value:
        raise UsageError(
            f"environment variable {name} is not set or empty",
            hint=f"export {name}=... before running streamkit simulate",
        )
    return value or None


def cmd_simulate(args: argparse.Namespace) -> int:
    from streamkit.simulator.scenario import Scenario, build_state, fault_actions, load_scenario

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: must be between 0 and 65535")
    password = resolve_password(args)
    scenario = load_scenario(args.scenario) if args.scenario else Scenario()
    try:
        import asyncio

        asyncio.run(_serve(args.host, args.port, password, scenario, build_state, fault_actions))
    except KeyboardInterrupt:
        print("simulator stopped", file=sys.stderr)
    return 0


def _read_commands(sim) -> None:
    """Apply fault commands typed on stdin, from a daemon thread (it never blocks shutdown)."""
    from streamkit.simulator.console import run_command

    if sys.stdin is None or sys.stdin.closed:
        return

    def loop() -> None:
        for line in sys.stdin:
            try:
                answer = run_command(sim, line)
            except ValueError as exc:
                answer = f"error: {exc}"
            if answer:
                print(answer, flush=True)

    threading.Thread(target=loop, name="simulator-console", daemon=True).start()


async def _serve(host, port, password, scenario, build_state, fault_actions) -> None:
    from streamkit.simulator.registry import OBS_VERSION, WEBSOCKET_VERSION
    from streamkit.simulator.server import Simulator

    sim = Simulator(password=password, state=build_state(scenario))
    try:
        bound = await sim.start(host, port)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="another OBS or simulator may use it; --port 0 picks a free port",
        ) from None
    if scenario.streaming:
        sim.start_stream()
    sim.schedule(fault_actions(scenario, sim))
    auth = "on" if password else "off"
    print(
        f"OBS simulator (OBS {OBS_VERSION}, obs-websocket {WEBSOCKET_VERSION}) listening on "
        f"ws://{host}:{bound} (authentication {auth}); type `help` for fault commands, "
        "Ctrl-C to stop",
        flush=True,
    )
    _read_commands(sim)
    try:
        import asyncio

        await asyncio.Event().wait()
    finally:
        await sim.stop()
