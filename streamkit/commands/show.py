"""`streamkit show ...`: drive the show from the command line (the TUI does the same calls)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from streamkit.commands import load_config
from streamkit.errors import UsageError

if TYPE_CHECKING:
    from streamkit.config import Config


# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "show": "switch scenes, NDI senders, audio, outputs, run of show",
}


def register(sub: argparse._SubParsersAction) -> None:
    show = sub.add_parser("show", help=COMMANDS["show"])
    s = show.add_subparsers(dest="show_command", metavar="ACTION", required=True)

    s.add_parser("scenes", help="list scenes, program and preview marked").set_defaults(
        handler=_with_control(_scenes)
    )
    _named(s, "scene", "put a scene on program", _scene)
    _named(s, "preview", "put a scene on preview (studio mode)", _preview)
    studio = s.add_parser("studio", help="turn studio mode on or off")
    studio.add_argument("state", choices=["on", "off"])
    studio.set_defaults(handler=_with_control(_studio))
    transition = s.add_parser("transition", help="studio mode: send preview to program")
    transition.add_argument("--name", help="transition to use, e.g. Fade or Cut")
    transition.add_argument("--duration", type=int, metavar="MS", help="duration in ms")
    transition.set_defaults(handler=_with_control(_transition))

    ndi = s.add_parser("ndi", help="NDI inputs and their senders")
    n = ndi.add_subparsers(dest="ndi_command", metavar="ACTION", required=True)
    n.add_parser("list", help="NDI inputs with their current sender").set_defaults(
        handler=_with_client(_ndi_list)
    )
    senders = n.add_parser("senders", help="senders the NDI plugin can see for an input")
    senders.add_argument("input", type=name_of("an input"))
    senders.set_defaults(handler=_with_client(_ndi_senders))
    switch = n.add_parser("switch", help="show another sender in an NDI input")
    switch.add_argument("input", type=name_of("an input"))
    switch.add_argument("sender", type=name_of("an NDI sender"))
    switch.add_argument(
        "--force",
        action="store_true",
        help="switch even to a sender neither the NDI plugin nor show.ndi_senders lists",
    )
    switch.set_defaults(handler=_with_client(_ndi_switch))
    swap = n.add_parser("swap", help="exchange the senders of two NDI inputs")
    swap.add_argument("first")
    swap.add_argument("second")
    swap.set_defaults(handler=_with_client(_ndi_swap))

    s.add_parser("audio", help="audio inputs with mute and volume").set_defaults(
        handler=_with_control(_audio)
    )
    _named(s, "mute", "mute an audio input", _mute, "input")
    _named(s, "unmute", "unmute an audio input", _unmute, "input")
    _named(s, "toggle-mute", "flip an audio input's mute", _toggle, "input")
    volume = s.add_parser("volume", help="set an input's volume in dB (0 = unchanged)")
    volume.add_argument("input", type=name_of("an input"))
    volume.add_argument("db", type=float)
    volume.set_defaults(handler=_with_control(_volume))

    for output in ("stream", "record"):
        p = s.add_parser(output, help=f"start or stop the {output}")
        p.add_argument("action", choices=["start", "stop", "status"])
        p.add_argument("--yes", "-y", action="store_true", help="stop without asking")
        p.set_defaults(handler=_with_control(_output), output=output)

    text = s.add_parser("text", help="set a text input's text (lower third)")
    text.add_argument("input", nargs="?", help="text input (default: show.lower_third)")
    text.add_argument("text")
    text.set_defaults(handler=_with_control(_text))
    question = s.add_parser(
        "question", help="put an audience question on the lower third (chat.source), or clear it"
    )
    question.add_argument("text", nargs="?", help="the question (leave out with --clear)")
    question.add_argument("--author", default="", help="who asked it (chat.template shows how)")
    question.add_argument("--clear", action="store_true", help="take the question off screen")
    question.add_argument(
        "--log", metavar="FILE", help="session log (default: health.session_log in the config)"
    )
    question.add_argument("--no-log", action="store_true", help="write no session log")
    question.set_defaults(handler=_with_control(_question))

    s.add_parser("segments", help="the run of show, current segment marked").set_defaults(
        handler=_with_client(_segments)
    )
    s.add_parser("next", help="apply the next segment").set_defaults(
        handler=_with_client(lambda c, cfg, a: _move(c, cfg, "next"))
    )
    s.add_parser("prev", help="apply the previous segment").set_defaults(
        handler=_with_client(lambda c, cfg, a: _move(c, cfg, "prev"))
    )
    goto = s.add_parser("goto", help="apply segment N (1 = first)")
    goto.add_argument("number", type=int)
    goto.set_defaults(handler=_with_client(lambda c, cfg, a: _move(c, cfg, "goto", a.number)))


def _named(s, name: str, help: str, func, arg: str = "scene") -> None:
    p = s.add_parser(name, help=help)
    p.add_argument(arg, type=name_of(f"a {arg}"))
    p.set_defaults(handler=_with_control(func))


def name_of(what: str) -> Callable[[str], str]:
    """An argparse type for a name OBS must know: an empty one is refused before asking OBS."""

    def check(value: str) -> str:
        if not value.strip():
            raise argparse.ArgumentTypeError(f"the name of {what} cannot be empty")
        return value

    return check


Handler = Callable[..., Any]


def _with_client(func: Handler) -> Callable[[argparse.Namespace], int]:
    """Run `func(client, config, args)` with a connected client; closes it after."""

    def handler(args: argparse.Namespace) -> int:
        from streamkit.obs.client import client_for

        config = load_config(args.config)
        with client_for(config.obs, reconnect=False, subscriptions=0) as client:
            return int(func(client, config, args) or 0)

    return handler


def _with_control(func: Handler) -> Callable[[argparse.Namespace], int]:
    def run(client, config: Config, args: argparse.Namespace) -> int:
        from streamkit.show.control import ShowControl

        return int(func(ShowControl(client), config, args) or 0)

    return _with_client(run)


def _scenes(control, config, args) -> None:
    listing = control.scenes()
    for i, name in enumerate(listing.names, 1):
        marks = ("PROGRAM " if name == listing.program else "") + (
            "PREVIEW" if name == listing.preview else ""
        )
        print(f"{i:>2}  {name}  {marks}".rstrip())


def _scene(control, config, args) -> None:
    control.switch_scene(args.scene)
    print(f"program: {args.scene}")


def _preview(control, config, args) -> None:
    control.set_preview(args.scene)
    print(f"preview: {args.scene}")


def _studio(control, config, args) -> None:
    control.studio_mode(args.state == "on")
    print(f"studio mode {args.state}")


def _transition(control, config, args) -> None:
    control.transition(args.name, args.duration)
    print(f"program: {control.scenes().program}")


def _ndi(client, config):
    from streamkit.show.ndi import NdiControl

    return NdiControl(client, config.show.ndi_senders)


NO_PLUGIN = (
    "WARNING: the NDI plugin is not loaded in OBS: NDI inputs show black "
    "(install DistroAV on the streaming PC and restart OBS)"
)


def _warn_without_plugin(ndi) -> None:
    if not ndi.plugin_loaded():
        print(NO_PLUGIN, file=sys.stderr)


def _ndi_list(client, config, args) -> None:
    ndi = _ndi(client, config)
    inputs = ndi.inputs()
    if inputs:
        _warn_without_plugin(ndi)
    else:
        print("no NDI inputs in the current scene collection")
    for item in inputs:
        print(f"{item.name}: {item.sender or '(none)'}")


def _ndi_senders(client, config, args) -> None:
    listing = _ndi(client, config).senders(args.input)
    if not listing.plugin:
        print(NO_PLUGIN, file=sys.stderr)
    if listing.source == "config":
        found = "lists no senders" if listing.plugin else "cannot list senders"
        print(
            f"(the NDI plugin {found} yet; these are the names from show.ndi_senders)",
            file=sys.stderr,
        )
    for name in listing.senders:
        print(name)


def _ndi_switch(client, config, args) -> None:
    ndi = _ndi(client, config)
    result = ndi.switch(args.input, args.sender, force=args.force)
    if args.force:
        _warn_without_plugin(ndi)
    print(f"{result.name}: {result.sender}")


def _ndi_swap(client, config, args) -> None:
    for item in _ndi(client, config).swap(args.first, args.second):
        print(f"{item.name}: {item.sender}")


def _audio(control, config, args) -> None:
    for item in control.audio_inputs():
        state = "MUTED" if item.muted else "live "
        print(f"{state}  {item.volume_db:6.1f} dB  {item.name}")


def _mute(control, config, args) -> None:
    control.mute(args.input, True)
    print(f"{args.input}: muted")


def _unmute(control, config, args) -> None:
    control.mute(args.input, False)
    print(f"{args.input}: live")


def _toggle(control, config, args) -> None:
    print(f"{args.input}: {'muted' if control.toggle_mute(args.input) else 'live'}")


def _volume(control, config, args) -> None:
    control.set_volume_db(args.input, args.db)
    print(f"{args.input}: {args.db:.1f} dB")


def _output(control, config, args) -> None:
    name = args.output
    state = getattr(control, f"{name}_state")
    if args.action == "status":
        current = state()
        print(f"{name}: {'active ' + current.timecode if current.active else 'inactive'}")
        return
    if args.action == "stop" and not args.yes:
        _confirm(
            f"Stop the {name}? "
            + ("Viewers will see the stream end. " if name == "stream" else "")
            + "[y/N] "
        )
    result = getattr(control, f"{args.action}_{name}")()
    print(f"{name}: {'active ' + result.timecode if result.active else 'stopped'}")


def _confirm(question: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError("refusing to stop without confirmation", hint="add --yes")
    answer = input(question).strip().lower()
    if answer not in ("y", "yes"):
        raise UsageError("not stopped")


def _text(control, config, args) -> None:
    target = args.input or config.show.lower_third
    control.set_text(target, args.text)
    print(f"{target}: {args.text}")


def _question(control, config, args) -> None:
    from streamkit.commands.chat import show_question

    show_question(control, config, args)


def _segments(client, config, args) -> None:
    from streamkit.show.runofshow import RunOfShow

    segments = config.show.segments
    if not segments:
        print("the run of show is empty (show.segments in streamkit.yaml)")
        return
    current = RunOfShow(client, segments).position()
    for i, segment in enumerate(segments):
        mark = ">" if i == current else " "
        print(f"{mark} {i + 1:>2}  {segment.title}  [{segment.scene}]")


def _move(client, config, how: str, number: int | None = None) -> None:
    from streamkit.show.runofshow import RunOfShow

    show = RunOfShow(client, config.show.segments)
    applied = (
        show.goto(number - 1) if how == "goto" and number is not None else getattr(show, how)()
    )
    where = (
        "preview (transition with `streamkit show transition`)" if applied.to_preview else "program"
    )
    print(
        f"segment {applied.index + 1}: {applied.segment.title} -> {applied.segment.scene} on "
        f"{where}"
    )
