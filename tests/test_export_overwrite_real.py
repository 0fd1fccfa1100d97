"""`obs export` never overwrites a file it did not write (comments, ${VARS}) without --force."""

from __future__ import annotations

import pytest

from tests.cli import run_cli, write_config

pytestmark = pytest.mark.real_obs


@pytest.fixture
def export(real_obs, tmp_path):
    config = write_config(
        tmp_path / "streamkit.yaml",
        f"obs:\n  host: 127.0.0.1\n  port: {real_obs.port}\n  password: env:EXPORT_OBS_PASSWORD\n",
    )

    def run(output, *extra: str):
        return run_cli(
            "-c",
            str(config),
            "obs",
            "export",
            "-o",
            str(output),
            *extra,
            env={"EXPORT_OBS_PASSWORD": real_obs.password},
        )

    return run


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_an_exported_file_is_replaced_by_the_next_export(export, tmp_path, suffix):
    output = tmp_path / f"live{suffix}"
    assert export(output).returncode == 0
    first = output.read_text()
    again = export(output)
    assert again.returncode == 0, again.stderr
    assert output.read_text() == first


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: "# our meetup's scenes, reviewed in PRs\n" + text,
        lambda text: text.replace("name: ", "name: ${EVENT_NAME}", 1),
    ],
    ids=["comment", "variable"],
)
def test_a_hand_edited_file_is_refused_unless_forced(export, tmp_path, edit):
    output = tmp_path / "scenes.yaml"
    assert export(output).returncode == 0
    edited = edit(output.read_text())
    output.write_text(edited)
    refused = export(output)
    assert refused.returncode == 2
    assert "was not written by `streamkit obs export`" in refused.stderr
    assert "--force" in refused.stderr and "diff" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert output.read_text() == edited  # nothing written
    forced = export(output, "--force")
    assert forced.returncode == 0, forced.stderr
    assert output.read_text() != edited
