"""`streamkit lint`: each problem caught with file and line, the shipped files clean, exit codes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from streamkit.cli import main
from streamkit.collection.lint import Finding, check_collection, exit_code, lint_paths
from streamkit.collection.model import Collection, Input, Scene

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(__file__).parent / "fixtures" / "lint"


def _line(path: Path, marker: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if marker in line)


def _lint(*paths: Path) -> list[Finding]:
    return lint_paths(list(paths))[0]


def test_shipped_scenes_and_profiles_are_clean() -> None:
    findings, count = lint_paths([ROOT / "scenes", ROOT / "profiles"])
    assert findings == []
    assert count == 3  # serverless-meetup.yaml and two profiles


def test_cli_exit_0_when_clean(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["lint"]) == 0
    assert "ok: 3 file(s)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "marker", "message"),
    [
        (
            "missing-source.yaml",
            "Speaker Camera",
            "'Main': item 'Speaker Camera' names no input, scene or group",
        ),
        ("self-containing.yaml", "- Inner", "'Outer' contains itself (Outer > Inner > Outer)"),
        ("self-containing.yaml", "- Outer", "'Inner' contains itself (Inner > Outer > Inner)"),
        ("self-containing.yaml", "- Mirror", "'Mirror' contains itself (Mirror > Mirror)"),
        ("absolute-path.yaml", "/home/alice", "absolute path '/home/alice/Pictures/background."),
        ("absolute-path.yaml", "C:\\Users", "'Intro': settings.local_file: absolute path"),
        ("missing-asset.yaml", "not-committed", "asset './assets/not-committed.png' is missing"),
        (
            "committed-secret.yaml",
            "token=",
            "'Alerts': settings.url: a password or key is committed",
        ),
        ("committed-secret.yaml", "hunter22", "'Remote': settings.password: a password or key"),
    ],
)
def test_each_problem_is_found_with_its_line(name: str, marker: str, message: str) -> None:
    path = LINT / name
    findings = _lint(path)
    expected_line = _line(path, marker)
    assert any(
        f.line == expected_line and message in f.message and not f.invalid for f in findings
    ), findings
    assert exit_code(findings) == 1


def test_one_finding_per_problem() -> None:
    assert len(_lint(LINT / "missing-source.yaml")) == 1
    assert len(_lint(LINT / "self-containing.yaml")) == 3
    assert len(_lint(LINT / "committed-secret.yaml")) == 2


def test_clean_fixture_with_variables_and_nested_scenes() -> None:
    assert _lint(LINT / "clean.yaml") == []


@pytest.mark.parametrize(
    ("name", "marker", "message"),
    [
        ("schema-error.yaml", "colour", "inputs.0.colour: unknown key"),
        (
            "schema-error.yaml",
            "positionX",
            "scenes.0.items.0.transform.positionX: Input should be a valid number",
        ),
        ("bad-yaml.yaml", "[Logo", "invalid YAML"),
        ("bad-json.json", '"x",}', "invalid JSON: Expecting property name"),
    ],
)
def test_invalid_files_exit_2_with_line(name: str, marker: str, message: str) -> None:
    path = LINT / name
    findings = _lint(path)
    assert any(
        f.invalid and f.line == _line(path, marker) and message in f.message for f in findings
    ), findings
    assert exit_code(findings) == 2


def test_profiles() -> None:
    key = LINT / "profile-with-key"
    (finding,) = _lint(key)
    assert finding.path == key / "service.json"
    assert finding.line == _line(key / "service.json", '"key"')
    assert "stream key is committed" in finding.message
    assert "live_123" not in str(finding)  # the secret itself is never repeated

    (finding,) = _lint(LINT / "profile-absolute-path")
    assert finding.line == 5 and "FilePath: absolute path" in finding.message

    (finding,) = _lint(LINT / "profile-bad-ini" / "basic.ini")
    assert finding.invalid and finding.line == 3


def test_profile_json_errors_and_missing_basic_ini(tmp_path: Path) -> None:
    profile = tmp_path / "p"
    shutil.copytree(ROOT / "profiles" / "serverless-meetup", profile)
    (profile / "streamEncoder.json").write_text('{\n  "bitrate": 6000,\n}\n', encoding="utf-8")
    (finding,) = _lint(profile)
    assert finding.invalid and finding.line == 3 and "invalid JSON" in finding.message
    (profile / "basic.ini").unlink()
    (finding,) = _lint(profile / "service.json")  # no basic.ini: not a profile any more
    assert finding.invalid and "is this an OBS scene collection?" in finding.message
    (finding,) = _lint(profile / "missing.yaml")
    assert finding.invalid and "cannot read" in finding.message


def test_json_collections_are_linted_too() -> None:
    source = ROOT / "tests" / "fixtures" / "collections" / "obs29.0.2-websocket.json"
    (finding,) = _lint(source)
    assert finding.message.startswith("'Logo': settings.file: absolute path '/tmp/streamkit-obs-")
    assert finding.message.endswith(
        "/assets/logo.png' will not exist on another machine; put "
        "the file under scenes/assets/ and write ./assets/NAME"
    )
    assert finding.line == 1  # OBS 29 writes the whole file on one line


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(LINT / "missing-source.yaml")]) == 1
    out = capsys.readouterr()
    assert f"{LINT / 'missing-source.yaml'}:{_line(LINT / 'missing-source.yaml', 'Speaker')}:" in (
        out.out
    )
    assert "1 problem(s)" in out.err
    assert main(["lint", str(LINT / "bad-json.json"), str(LINT / "missing-source.yaml")]) == 2
    assert main(["lint", str(LINT / "clean.yaml")]) == 0


def test_cli_without_paths_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 2
    assert "nothing to lint" in capsys.readouterr().err


def _problems(collection: Collection, base_dir: Path) -> list[str]:
    return [message for _, message in check_collection(collection, base_dir)]


def test_names_current_scene_and_transition_are_checked(tmp_path: Path) -> None:
    c = Collection(
        name="c",
        current_scene="Nowhere",
        transition="Swipe",
        inputs=[Input(name="A", kind="image_source")],
        scenes=[Scene(name="A")],
    )
    assert _problems(c, tmp_path) == [
        "the name 'A' is used twice; OBS needs every input, scene and group named differently",
        "current_scene 'Nowhere' is not one of the scenes",
        "transition 'Swipe' is neither Fade, Cut nor one of `transitions`",
    ]


def test_assets_outside_the_folder_or_git_ignored(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "scenes" / "assets").mkdir(parents=True)
    (repo / "scenes" / "assets" / "bg.png").write_bytes(b"png")
    (repo / "outside.png").write_bytes(b"png")
    c = Collection(
        name="c",
        inputs=[
            Input(name="A", kind="image_source", settings={"file": "./assets/bg.png"}),
            Input(name="B", kind="image_source", settings={"file": "../outside.png"}),
        ],
    )
    base = repo / "scenes"
    assert _problems(c, base) == [
        "'B': settings.file: asset '../outside.png' is outside the collection's folder, so it is "
        "not shipped with it; move it under assets/"
    ]
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_text("*.png\n", encoding="utf-8")
    assert _problems(c, base)[0] == (
        "'A': settings.file: asset './assets/bg.png' is ignored by git, so it will never be "
        "committed; change .gitignore"
    )


def test_duplicate_basic_ini_key_is_reported_by_lint_and_by_profile_import(tmp_path):
    from streamkit.collection.lint import lint_profile
    from streamkit.collection.profile import read_profile
    from streamkit.errors import ConfigError

    folder = tmp_path / "profile"
    folder.mkdir()
    (folder / "basic.ini").write_text(
        "[General]\nName=Meetup\n\n[SimpleOutput]\nVBitrate=6000\nVBitrate=2500\n",
        encoding="utf-8",
    )
    findings = lint_profile(folder)
    assert [(f.line, f.invalid) for f in findings] == [(6, True)]
    assert "VBitrate is set twice" in findings[0].message
    with pytest.raises(ConfigError, match=r"basic\.ini:6: invalid basic\.ini: .*VBitrate"):
        read_profile(folder)
