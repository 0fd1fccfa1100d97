"""Scene collections as code against a real OBS: plan, import, install, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streamkit.collection.importer import Importer, ImportIncomplete
from streamkit.collection.live import read_live
from streamkit.collection.model import Collection
from streamkit.collection.preflight import load_collection
from streamkit.collection.versions import parse_version, saved_by
from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from tests.cli import run_cli, write_config

pytestmark = pytest.mark.real_obs
ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "scenes" / "serverless-meetup.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "collections"
NDI_INPUTS = {"NDI Active Speaker", "NDI Screen Share"}
ENV_VARS = {"NDI_HOST": "ZOOM-PC"}


@pytest.fixture
def obs(obs_factory):
    return obs_factory()


def _config(tmp_path: Path, obs) -> str:
    return str(
        write_config(
            tmp_path / "streamkit.yaml",
            f"""\
obs:
  host: 127.0.0.1
  port: {obs.port}
  password: env:TEST_OBS_PASSWORD
variables:
  NDI_HOST: ZOOM-PC
""",
        )
    )


def _env(obs) -> dict[str, str]:
    return {"TEST_OBS_PASSWORD": obs.password}


def state(collection: Collection, skip: set[str] = frozenset()) -> dict:
    """What must read back equal: scenes in order with their items, inputs with their
    settings, audio and filters (names, kinds and values; not OBS's ids)."""
    inputs = {}
    for entry in collection.inputs:
        if entry.name in skip or entry.channel is not None:
            continue
        inputs[entry.name] = {
            "settings": entry.settings,
            "volume": round(entry.volume, 4),
            "muted": entry.muted,
            "monitoring": entry.monitoring,
            "balance": entry.balance,
            "filters": [(f.name, f.kind, f.enabled, f.settings) for f in entry.filters],
        }
    scenes = [
        (
            s.name,
            [
                (
                    i.source,
                    i.enabled,
                    i.locked,
                    {
                        k: round(v, 3) if isinstance(v, float) else v
                        for k, v in i.transform.model_dump().items()
                    },
                )
                for i in s.items
                if i.source not in skip
            ],
            [(f.name, f.kind, f.settings) for f in s.filters],
        )
        for s in collection.scenes
    ]
    return {
        "inputs": inputs,
        "scenes": scenes,
        "transition": collection.transition,
        "duration": collection.transition_duration,
    }


def _live(obs) -> Collection:
    with ObsClient(obs.host, obs.port, obs.password) as client:
        live, _ = read_live(client)
    return live.collection


def test_websocket_mode_reports_ndi_unavailable_and_changes_nothing(obs, tmp_path):
    before = _live(obs)
    result = run_cli(
        "-c", _config(tmp_path, obs), "obs", "import", str(SHIPPED), "--yes", env=_env(obs)
    )
    assert result.returncode == 2
    assert "ndi_source" in result.stderr and "DistroAV" in result.stderr
    assert "nothing was changed" in result.stderr and "--install" in result.stderr
    assert _live(obs) == before


def test_shipped_collection_imports_reads_back_and_is_idempotent(obs, tmp_path):
    config = _config(tmp_path, obs)
    result = run_cli(
        "-c", config, "obs", "import", str(SHIPPED), "--yes", "--skip-unavailable", env=_env(obs)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "round trip(s)" in result.stdout
    desired = load_collection(SHIPPED, ENV_VARS)
    live = _live(obs)
    assert live.name == "Serverless Meetup"
    assert [s.name for s in live.scenes] == [s.name for s in desired.scenes]
    assert state(live) == state(_with_live_kinds(desired, live), skip=NDI_INPUTS)
    again = run_cli("-c", config, "obs", "plan", str(SHIPPED), "--skip-unavailable", env=_env(obs))
    assert again.returncode == 0, again.stdout
    assert "no changes" in again.stdout


def _with_live_kinds(desired: Collection, live: Collection) -> Collection:
    """Platform kinds are mapped on import (wasapi -> pulse): compare the rest."""
    kinds = {i.name: (i.kind, i.versioned_kind) for i in live.inputs}
    data = desired.model_dump()
    for entry in data["inputs"]:
        if entry["name"] in kinds:
            entry["kind"], entry["versioned_kind"] = kinds[entry["name"]]
    return Collection.model_validate(data)


def test_install_mode_loads_ndi_inputs_with_settings_intact(obs, tmp_path):
    result = run_cli(
        "-c",
        _config(tmp_path, obs),
        "obs",
        "import",
        str(SHIPPED),
        "--install",
        "--obs-config",
        str(obs.config_dir),
        "--yes",
        env=_env(obs),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with ObsClient(obs.host, obs.port, obs.password) as client:
        assert (
            client.request("GetSceneCollectionList")["currentSceneCollectionName"]
            == "Serverless Meetup"
        )
        settings = client.request("GetInputSettings", {"inputName": "NDI Active Speaker"})[
            "inputSettings"
        ]
        assert settings["ndi_source_name"] == "ZOOM-PC (Zoom - Active Speaker)"
        kinds = {i["inputName"]: i["inputKind"] for i in client.request("GetInputList")["inputs"]}
        assert kinds["NDI Screen Share"] == "ndi_source"
    # installing again over the running collection works too (OBS is switched away first)
    again = run_cli(
        "-c",
        _config(tmp_path, obs),
        "obs",
        "import",
        str(SHIPPED),
        "--install",
        "--obs-config",
        str(obs.config_dir),
        "--yes",
        env=_env(obs),
    )
    assert again.returncode == 0, again.stderr
    assert not list((obs.config_dir / "basic" / "scenes").glob("streamkit-install*"))


def test_install_into_a_folder_that_is_not_this_obs_changes_nothing(obs, tmp_path):
    elsewhere = tmp_path / "not-obs"
    (elsewhere / "basic" / "scenes").mkdir(parents=True)
    before = _live(obs)
    result = run_cli(
        "-c",
        _config(tmp_path, obs),
        "obs",
        "import",
        str(SHIPPED),
        "--install",
        "--obs-config",
        str(elsewhere),
        "--yes",
        env=_env(obs),
    )
    assert result.returncode == 5
    assert "does not hold the scene collections" in result.stderr
    assert _live(obs) == before
    assert not list((elsewhere / "basic" / "scenes").iterdir())


REAL_OBS_FILES = [
    "obs29.0.2-websocket.json",
    "obs29.0.2-resaved-groups.json",
    "obs32.2.2-websocket.json",
    "obs32.2.2-resaved-groups.json",
]
SHAPED_FILES = [
    "obs28.1.2.json",
    "obs29.1.3.json",
    "obs30.2.3.json",
    "obs31.1.2.json",
    "obs32.0.1.json",
]


@pytest.mark.parametrize("name", REAL_OBS_FILES + SHAPED_FILES)
def test_obs_written_collections_import_to_the_same_state(obs, name):
    """Each file into a fresh OBS: one collection switch per OBS (see realobs.SOURCE_LEAK)."""
    desired = load_collection(FIXTURES / name).model_copy(update={"name": f"fixture {name}"})
    with ObsClient(obs.host, obs.port, obs.password) as client:
        running = parse_version(client.request("GetVersion")["obsVersion"])
        saved = saved_by(desired)
        if saved is not None and running is not None and saved[:2] > running[:2]:
            # a file from a newer OBS is refused before anything changes (its own test)
            with pytest.raises(UsageError, match="newer than the OBS running"):
                Importer(client, desired, skip_unavailable=True).run()
            return
        # hidden, locked and transformed items (an input's first item among them) land with
        # the first import: it exits cleanly, and the next plan is empty
        report = Importer(client, desired, skip_unavailable=True).run()
        live, _ = read_live(client)
        again, _ = Importer(client, desired, skip_unavailable=True).plan()
    assert again.empty, [c.line() for c in again.changes]
    skip = {u.input for u in report.unavailable} | {g.name for g in desired.groups}
    skip |= {i.name for i in desired.inputs if i.channel is not None}
    shown = {item.source for scene in desired.scenes for item in scene.items}
    skip |= {i.name for i in desired.inputs if i.name not in shown}  # only in groups
    expected = _with_live_kinds(desired, live.collection)
    want = state(expected, skip)
    have = state(live.collection, skip)
    assert have["inputs"] == want["inputs"]
    assert have["scenes"] == want["scenes"]
    assert report.round_trips <= 6  # the collection switch waits for OBS on its own


def test_export_import_export_gives_identical_files(obs_factory, tmp_path):
    first_obs = obs_factory()
    config = _config(tmp_path, first_obs)
    assert (
        run_cli(
            "-c",
            config,
            "obs",
            "import",
            str(SHIPPED),
            "--yes",
            "--skip-unavailable",
            env=_env(first_obs),
        ).returncode
        == 0
    )
    exported = tmp_path / "export" / "meetup.yaml"
    result = run_cli("-c", config, "obs", "export", "-o", str(exported), env=_env(first_obs))
    assert result.returncode == 0, result.stderr
    second_obs = obs_factory()
    config2 = str(
        write_config(
            tmp_path / "second.yaml",
            f"""\
obs: {{host: 127.0.0.1, port: {second_obs.port}, password: env:TEST_OBS_PASSWORD}}
""",
        )
    )
    assert (
        run_cli(
            "-c", config2, "obs", "import", str(exported), "--yes", env=_env(second_obs)
        ).returncode
        == 0
    )
    again = tmp_path / "export" / "again.yaml"
    assert (
        run_cli("-c", config2, "obs", "export", "-o", str(again), env=_env(second_obs)).returncode
        == 0
    )
    assert again.read_text() == exported.read_text()


def test_export_strips_secrets(obs, tmp_path):
    with ObsClient(obs.host, obs.port, obs.password) as client:
        client.request(
            "CreateInput",
            {
                "sceneName": "Scene",
                "inputName": "Remote Feed",
                "inputKind": "ffmpeg_source",
                "inputSettings": {
                    "is_local_file": False,
                    "input": "rtmp://ingest.example/live?token=s3cr3t-token-value",
                    "password": "hunter2-password",
                },
            },
        )
    out = tmp_path / "out.json"
    result = run_cli("-c", _config(tmp_path, obs), "obs", "export", "-o", str(out), env=_env(obs))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "s3cr3t-token-value" not in text and "hunter2-password" not in text
    assert "rtmp://ingest.example/live?token=" in text
    assert json.loads(text)["name"]


def test_plan_json_masks_secrets(obs, tmp_path):
    collection = tmp_path / "feed.yaml"
    collection.write_text("""\
name: Feeds
scenes:
  - name: Main
    items: [Feed]
inputs:
  - name: Feed
    kind: ffmpeg_source
    settings: {input: "rtmp://x/live?key=abcdef123456", password: hunter2-password}
""")
    config = _config(tmp_path, obs)
    with ObsClient(obs.host, obs.port, obs.password) as client:
        client.request("CreateSceneCollection", {"sceneCollectionName": "Feeds"})
    result = run_cli("-c", config, "obs", "plan", str(collection), "--json", env=_env(obs))
    assert result.returncode == 1
    assert "abcdef123456" not in result.stdout and "hunter2-password" not in result.stdout
    assert json.loads(result.stdout)["changes"]


def test_failure_midway_reports_applied_and_not_then_converges(obs, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("""\
name: Broken
scenes:
  - name: One
    items: [Color]
inputs:
  - name: Color
    kind: color_source
    filters:
      - {name: Glitch, kind: no_such_filter_kind}
""")
    with ObsClient(obs.host, obs.port, obs.password) as client:
        previous = client.request("GetSceneCollectionList")["currentSceneCollectionName"]
        with pytest.raises(ImportIncomplete) as caught:
            Importer(client, load_collection(broken)).run()
        message = str(caught.value)
        assert "CreateSourceFilter 'Glitch'" in message and "Applied:" in message
        assert "not applied:" in message
        # the new collection is half-built: OBS goes back to the one it ran
        assert f"OBS is back on collection {previous!r}" in message
        assert "'Broken' stays in OBS's Scene Collection menu" in message
        listing = client.request("GetSceneCollectionList")
        assert listing["currentSceneCollectionName"] == previous
        fixed = load_collection(broken).model_copy(
            update={
                "inputs": [load_collection(broken).inputs[0].model_copy(update={"filters": []})]
            }
        )
        Importer(client, fixed).run()
        plan, _ = Importer(client, fixed).plan()
        assert plan.empty


@pytest.mark.parametrize(
    ("text", "suffix", "where"),
    [
        ("name: X\nscenes:\n  - name: A\n    itemz: []\n", ".yaml", ":4"),
        ("name: X\nscenes: [\n", ".yaml", ":3"),
        ('{"name": "X",\n "sources": [\n', ".json", ":"),
    ],
)
def test_bad_files_exit_2_with_file_and_line_and_obs_untouched(obs, tmp_path, text, suffix, where):
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(text)
    before = _live(obs)
    result = run_cli(
        "-c", _config(tmp_path, obs), "obs", "import", str(bad), "--yes", env=_env(obs)
    )
    assert result.returncode == 2
    assert f"{bad}{where}" in result.stderr
    assert "Traceback" not in result.stderr
    assert _live(obs) == before


def test_declining_the_plan_changes_nothing(obs):
    desired = load_collection(SHIPPED, ENV_VARS)
    before = _live(obs)
    seen = []
    with ObsClient(obs.host, obs.port, obs.password) as client:
        report = Importer(client, desired, skip_unavailable=True).run(
            lambda plan: seen.append(plan) or False
        )
        collections = client.request("GetSceneCollectionList")["sceneCollections"]
    assert report.applied == 0 and "Serverless Meetup" not in collections
    assert _live(obs) == before
    lines = seen[0].lines()
    assert lines[0] == "+ collection 'Serverless Meetup'"  # the whole plan, before any change
    assert "+ scene 'Speaker + Slides'" in lines


@pytest.mark.parametrize("mode", ["websocket", "install"])
def test_collection_saved_by_a_newer_obs_is_refused_naming_both(obs, tmp_path, mode):
    with ObsClient(obs.host, obs.port, obs.password) as client:
        running = client.request("GetVersion")["obsVersion"]
    newer = int(running.split(".")[0]) + 1
    data = json.loads((FIXTURES / "obs32.0.1.json").read_text())
    for source in data["sources"]:
        source["prev_ver"] = (newer << 24) | (1 << 16) | 0  # saved by OBS {newer}.1.0
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(data))
    before = _live(obs)
    install = ["--install", "--obs-config", str(obs.config_dir)] if mode == "install" else []
    result = run_cli(
        "-c", _config(tmp_path, obs), "obs", "import", str(path), "--yes", *install, env=_env(obs)
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"saved by OBS {newer}.1.0" in result.stderr
    assert f"({running})" in result.stderr and "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert _live(obs) == before
    saved = [json.loads(p.read_text()).get("name") for p in obs.scene_collection_files()]
    assert data["name"] not in saved


def test_scene_of_another_canvas_is_named_and_left_out(obs, tmp_path):
    """OBS 32 saves a plugin's canvas (e.g. a vertical one) beside the main one; obs-websocket
    cannot create a canvas: its scenes are named, the rest imports, plans and exports."""
    data = json.loads((FIXTURES / "obs32.0.1.json").read_text())
    overlay = next(s for s in data["sources"] if s["name"] == "Overlay")
    vertical = json.loads(json.dumps(overlay))
    vertical.update(name="Vertical", uuid="00000000-0000-0000-0000-00000000beef")
    vertical["canvas_uuid"] = "0e6f1f3a-4f59-4a8e-9d6b-3c1f0d6a7b21"
    data["sources"].append(vertical)
    with ObsClient(obs.host, obs.port, obs.password) as client:
        major, minor, patch = client.request("GetVersion")["obsVersion"].split(".")[:3]
    for source in data["sources"]:  # saved by the OBS running, so that it is not refused
        source["prev_ver"] = (int(major) << 24) | (int(minor) << 16) | int(patch)
    data["scene_order"].append({"name": "Vertical"})
    path = tmp_path / "canvases.json"
    path.write_text(json.dumps(data))
    config = _config(tmp_path, obs)
    result = run_cli("-c", config, "obs", "import", str(path), "--yes", env=_env(obs))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scene 'Vertical' is in canvas 0e6f1f3a" in result.stdout
    live = _live(obs)
    assert live.scene("Vertical") is None and live.scene("Overlay") is not None
    again = run_cli("-c", config, "obs", "plan", str(path), env=_env(obs))
    assert again.returncode == 0 and "no changes" in again.stdout, again.stdout + again.stderr
    exported = tmp_path / "exported.yaml"
    result = run_cli("-c", config, "obs", "export", "-o", str(exported), env=_env(obs))
    assert result.returncode == 0, result.stderr
    assert "Vertical" not in exported.read_text()


def test_obs_dying_mid_import_exits_3_without_raw_log_lines(obs, tmp_path, monkeypatch, capsys):
    """OBS is killed as the import starts to apply: exit 3 (OBS unreachable, as documented),
    one clear error, no log line on the terminal."""
    from streamkit import cli

    apply = Importer.apply

    def kill_then_apply(self, plan):
        obs.kill()
        return apply(self, plan)

    monkeypatch.setattr(Importer, "apply", kill_then_apply)
    monkeypatch.setenv("TEST_OBS_PASSWORD", obs.password)
    monkeypatch.setenv("NDI_HOST", "ZOOM-PC")
    config = _config(tmp_path, obs)
    code = cli.main(["-c", config, "obs", "import", str(SHIPPED), "--skip-unavailable", "--yes"])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "import interrupted" in err and "may or may not have been applied" in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [err.splitlines()[0]]
    assert not [line for line in err.splitlines() if " WARNING " in line or " INFO " in line]
    assert obs.password not in err


@pytest.mark.parametrize("command", ["plan", "import"])
def test_a_scene_naming_a_missing_source_is_refused_before_obs_changes(obs, tmp_path, command):
    """Every lint check runs first: exit 2 with file and line; no collection is created."""
    broken = tmp_path / "missing.yaml"
    broken.write_text(
        "name: Missing Source\n"
        "scenes:\n"
        "  - name: One\n"
        "    items: [Color, Ghost]\n"
        "inputs:\n"
        "  - name: Color\n"
        "    kind: color_source\n"
        "    settings: {file: /home/me/logo.png}\n"
    )
    with ObsClient(obs.host, obs.port, obs.password) as client:
        before = client.request("GetSceneCollectionList")
    extra = ["--yes"] if command == "import" else []
    result = run_cli(
        "-c", _config(tmp_path, obs), "obs", command, str(broken), *extra, env=_env(obs)
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{broken}:4: 'One': item 'Ghost' names no input, scene or group" in result.stderr
    assert f"warning: {broken}:8:" in result.stderr  # the rest of lint, as warnings
    assert "nothing was changed" in result.stderr and result.stdout == ""
    with ObsClient(obs.host, obs.port, obs.password) as client:
        assert client.request("GetSceneCollectionList") == before


def test_install_over_the_only_collection_leaves_one_reused_stepping_stone(obs_factory, tmp_path):
    """OBS runs nothing but the collection being installed: the install steps onto one
    fixed collection, says so, and installing again reuses it (nothing piles up)."""
    from streamkit.collection.obsjson_write import write_obs_json

    only = tmp_path / "Serverless_Meetup.json"
    write_obs_json(load_collection(SHIPPED, ENV_VARS), only)
    obs = obs_factory(collection_file=only)
    for _ in range(2):
        result = run_cli(
            "-c", _config(tmp_path, obs), "obs", "import", str(SHIPPED), "--install",
            "--obs-config", str(obs.config_dir), "--yes", env=_env(obs),
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "used 'streamkit-install'" in result.stdout
        assert "lists it until it restarts" in result.stdout
    with ObsClient(obs.host, obs.port, obs.password) as client:
        listing = client.request("GetSceneCollectionList")
    assert listing["currentSceneCollectionName"] == "Serverless Meetup"
    assert sorted(listing["sceneCollections"]) == ["Serverless Meetup", "streamkit-install"]
    assert not list((obs.config_dir / "basic" / "scenes").glob("streamkit-install*"))


def test_what_the_websocket_cannot_set_is_listed_as_skipped(obs, tmp_path):
    """An OBS-written file's quick transitions (no obs-websocket request sets them) are named
    in the plan, not dropped silently; export says what it cannot read."""
    config = _config(tmp_path, obs)
    fixture = FIXTURES / "obs29.0.2-websocket.json"
    result = run_cli("-c", config, "obs", "plan", str(fixture), env=_env(obs))
    assert result.returncode == 1, result.stderr
    assert (
        "! skipped: quick transitions (the collection): obs-websocket cannot set it "
        "(--install keeps it)" in result.stdout
    )
    exported = run_cli("-c", config, "obs", "export", "-o", str(tmp_path / "live.yaml"),
                       env=_env(obs))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert "cannot read quick transitions, hotkeys" in exported.stdout
