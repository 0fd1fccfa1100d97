"""`streamkit obs ...`: talk to the OBS named in the config."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from streamkit.commands import load_config, obs_settings
from streamkit.errors import UsageError

# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "obs": "inspect and configure OBS over obs-websocket",
}


def register(sub: argparse._SubParsersAction) -> None:
    obs = sub.add_parser("obs", help=COMMANDS["obs"])
    obs_sub = obs.add_subparsers(dest="obs_command", metavar="SUBCOMMAND", required=True)
    status = obs_sub.add_parser(
        "status", help="versions, collection, profile, scenes, outputs and stats of OBS"
    )
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=cmd_status)
    register_collection(obs_sub)
    register_profile(obs_sub)


def cmd_status(args: argparse.Namespace) -> int:
    from streamkit.obs.client import client_for
    from streamkit.obs.status import fetch_status

    settings = obs_settings(args.config)
    with client_for(settings, reconnect=False, subscriptions=0) as client:
        status = fetch_status(client)
    if args.json:
        print(json.dumps(status.to_dict(), indent=2))
    else:
        print(format_status(status))
    return 0


def format_status(status) -> str:
    stats = status.stats
    stream = "LIVE " + status.stream_timecode if status.streaming else "offline"
    if status.stream_reconnecting:
        stream += " (reconnecting)"
    record = "recording " + status.record_timecode if status.recording else "not recording"
    if status.recording_paused:
        record += " (paused)"
    rows = [
        ("OBS", f"{status.obs_version} (obs-websocket {status.websocket_version})"),
        ("platform", status.platform),
        ("scene collection", status.scene_collection),
        ("profile", status.profile),
        ("program scene", status.program_scene),
        ("preview scene", status.preview_scene or "- (studio mode off)"),
        ("stream", stream),
        ("record", record),
        ("fps", f"{stats.get('activeFps', 0):.1f}"),
        ("CPU", f"{stats.get('cpuUsage', 0):.1f} %"),
        ("memory", f"{stats.get('memoryUsage', 0):.0f} MB"),
        ("disk free", f"{stats.get('availableDiskSpace', 0) / 1024:.1f} GB"),
        ("render time", f"{stats.get('averageFrameRenderTime', 0):.2f} ms"),
        ("render skipped", _frames(stats, "render")),
        ("encoder skipped", _frames(stats, "output")),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def _frames(stats: dict, prefix: str) -> str:
    skipped = stats.get(f"{prefix}SkippedFrames", 0)
    total = stats.get(f"{prefix}TotalFrames", 0)
    share = 100 * skipped / total if total else 0.0
    return f"{skipped} of {total} ({share:.1f} %)"


def register_profile(obs_sub: argparse._SubParsersAction) -> None:
    profile = obs_sub.add_parser("profile", help="import or export an OBS profile folder")
    p_sub = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    imp = p_sub.add_parser("import", help="make OBS's profile match a folder kept in git")
    imp.add_argument("folder", nargs="?", type=Path, help="profile folder (default: obs.profile)")
    imp.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    imp.set_defaults(handler=cmd_profile_import)
    exp = p_sub.add_parser("export", help="write the live profile to a folder (no stream key)")
    exp.add_argument("-o", "--output", type=Path, required=True, help="folder to write")
    exp.set_defaults(handler=cmd_profile_export)


def cmd_profile_import(args: argparse.Namespace) -> int:
    from streamkit.collection.profile import apply_profile, plan_profile, read_profile
    from streamkit.obs.client import client_for
    from streamkit.redact import REDACT

    config = load_config(args.config)
    folder = args.folder or (config.path(config.obs.profile) if config.obs.profile else None)
    if folder is None:
        raise UsageError("which profile? give a folder or set obs.profile in streamkit.yaml")
    files = read_profile(folder)
    key = config.obs.stream_key.resolve() if config.obs.stream_key else None
    REDACT.add(key)
    with client_for(config.obs, reconnect=False, subscriptions=0) as client:
        plan = plan_profile(client, files, key)
        for line in plan.describe():
            print(line)
        if plan.changes == 0:
            print(f"profile {plan.profile!r} is up to date")
            return 0
        if args.dry_run:
            print(f"{plan.changes} change(s) planned; nothing applied (--dry-run)")
            return 1
        done = apply_profile(client, plan)
    print(f"profile {plan.profile!r}: {len(done) + (1 if plan.switch else 0)} change(s) applied")
    return 0


def cmd_profile_export(args: argparse.Namespace) -> int:
    from streamkit.collection.profile import export_profile
    from streamkit.obs.client import client_for

    settings = obs_settings(args.config)
    with client_for(settings, reconnect=False, subscriptions=0) as client:
        files = export_profile(client, args.output)
    print(f"wrote profile {files.name!r} to {args.output} (basic.ini, service.json; no stream key)")
    return 0


def register_collection(obs_sub: argparse._SubParsersAction) -> None:
    plan = obs_sub.add_parser(
        "plan", help="what importing a collection file would change (exit 0: none, 1: some)"
    )
    _collection_args(plan)
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.set_defaults(handler=cmd_plan)

    imp = obs_sub.add_parser("import", help="make OBS's scene collection match a file")
    _collection_args(imp)
    imp.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    imp.add_argument(
        "--install",
        action="store_true",
        help="write the file into OBS's config folder and load it (OBS on this "
        "machine; keeps groups, transitions and inputs of missing plugins)",
    )
    imp.add_argument(
        "--obs-config",
        type=Path,
        metavar="DIR",
        help="OBS's config folder for --install (default: the platform's)",
    )
    imp.add_argument(
        "--force",
        action="store_true",
        help="while OBS streams or records, change sources program shows (refused otherwise)",
    )
    imp.set_defaults(handler=cmd_import)

    exp = obs_sub.add_parser("export", help="write OBS's current collection to a file for git")
    exp.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="file to write: .yaml (our format) or .json (OBS's)",
    )
    exp.add_argument("--collection", help="fail unless OBS is running this collection")
    exp.add_argument(
        "--force",
        action="store_true",
        help="replace FILE even if an export did not write it (its comments and ${VARS} are lost)",
    )
    exp.set_defaults(handler=cmd_export)


def _collection_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="collection file, .yaml or OBS .json (default: obs.collection)",
    )
    parser.add_argument("--collection", help="collection name in OBS (default: the file's)")
    parser.add_argument(
        "--prune",
        action="store_true",
        help="also remove scenes, inputs and items the file does not have",
    )
    parser.add_argument(
        "--skip-unavailable",
        action="store_true",
        help="leave out inputs whose kind this OBS lacks, instead of refusing",
    )
    parser.add_argument(
        "--asset-base",
        metavar="DIR",
        help="where OBS finds the file's ./ assets, when it runs elsewhere",
    )


def _desired(args: argparse.Namespace, config):
    from streamkit.collection.preflight import load_collection

    path = args.file or (config.path(config.obs.collection) if config.obs.collection else None)
    if path is None:
        raise UsageError("which collection? give a file or set obs.collection in streamkit.yaml")
    _lint_first(Path(path))
    collection = load_collection(path, config.variables, args.asset_base)
    if args.collection:
        collection = collection.model_copy(update={"name": args.collection})
    return collection


def _lint_first(path: Path) -> None:
    """Every lint check before OBS is asked anything: what would break the import stops it
    (exit 2, with file and line); the rest is printed as warnings."""
    import sys

    from streamkit.collection.lint import check_before_import

    if not path.is_file():
        return  # load_collection says so
    breaking, other = check_before_import(path)
    for finding in other:
        print(f"warning: {finding}", file=sys.stderr)
    if breaking:
        raise UsageError(
            "the collection file has problems OBS would stop the import at; nothing was "
            "changed:\n  " + "\n  ".join(str(f) for f in breaking),
            hint=f"fix them, then plan again (streamkit lint {path} checks the file alone)",
        )


def cmd_plan(args: argparse.Namespace) -> int:
    from streamkit.collection.importer import Importer
    from streamkit.obs.client import client_for

    config = load_config(args.config)
    desired = _desired(args, config)
    with client_for(config.obs, reconnect=False, subscriptions=0) as client:
        plan, _ = Importer(
            client,
            desired,
            prune=args.prune,
            skip_unavailable=args.skip_unavailable,
            owned=_owned(config),
        ).plan()
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2))
    else:
        print("\n".join(plan.lines()))
    return 0 if plan.empty else 1


def cmd_import(args: argparse.Namespace) -> int:
    from streamkit.obs.client import client_for

    config = load_config(args.config)
    desired = _desired(args, config)
    with client_for(config.obs, reconnect=False, subscriptions=0) as client:
        if args.install:
            return _install(client, desired, args)
        return _import(client, desired, args, _owned(config))


def _owned(config) -> dict[str, frozenset[str]]:
    """Settings the show writes during the event: kept as they are, never drift."""
    from streamkit.show.owned import show_owned_settings

    return show_owned_settings(config.show, [config.chat.source])


def _import(client, desired, args: argparse.Namespace, owned: dict[str, frozenset[str]]) -> int:
    import sys

    from streamkit.collection.importer import Importer

    def confirm(plan) -> bool:
        print("\n".join(plan.lines()))
        if args.yes:
            return True
        if not sys.stdin.isatty():
            raise UsageError("not applied: confirm with --yes when not at a terminal")
        return input("Apply these changes? [y/N] ").strip().lower() in ("y", "yes")

    importer = Importer(
        client,
        desired,
        prune=args.prune,
        skip_unavailable=args.skip_unavailable,
        owned=owned,
        force=args.force,
    )
    report = importer.run(confirm)
    switched = (
        f"switched OBS from collection {report.switched_from!r} to {desired.name!r}; "
        if report.switched_from
        else ""
    )
    if report.plan.empty:
        print("\n".join(report.plan.lines()))
        print(f"{switched}nothing else to do: OBS matches the file")
    elif report.applied == 0:
        print(f"{switched}nothing applied")
        return 1
    else:
        print(
            f"applied {report.applied} request(s) in {report.round_trips} round trip(s); "
            "OBS reads back the file's state"
        )
    return 0


def _install(client, desired, args: argparse.Namespace) -> int:
    from streamkit.collection.install import install_collection, obs_config_dir

    config_dir = obs_config_dir(args.obs_config)
    if not args.yes:
        import sys

        if not sys.stdin.isatty():
            raise UsageError("not installed: confirm with --yes when not at a terminal")
        answer = input(f"Write {desired.name!r} into {config_dir} and switch OBS to it? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("not installed")
            return 1
    report = install_collection(client, desired, config_dir)
    print(f"installed {desired.name!r} as {report.file}; OBS is running it")
    if report.stepped_onto:
        print(
            f"note: OBS had no other collection to step onto while the file was written, so it "
            f"used {report.stepped_onto!r}; its file is removed, and OBS lists it until it "
            "restarts (obs-websocket cannot remove collections). Later installs reuse it."
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from streamkit.collection.export import export_collection
    from streamkit.obs.client import client_for

    settings = obs_settings(args.config)
    with client_for(settings, reconnect=False, subscriptions=0) as client:
        collection = export_collection(client, args.output, args.collection, force=args.force)
    print(
        f"wrote collection {collection.name!r} to {args.output} "
        f"({len(collection.scenes)} scenes, {len(collection.inputs)} inputs; secrets removed)"
    )
    print(
        "note: obs-websocket cannot read quick transitions, hotkeys, projectors or module "
        "settings (output timer, scene switcher), so the file has none; OBS's own file "
        "(basic/scenes/*.json) keeps them"
    )
    return 0
