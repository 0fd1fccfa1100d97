"""doctor's run-of-show check against real OBS: a segment naming what OBS lacks fails."""

from __future__ import annotations

import pytest

from streamkit.config import parse_config
from streamkit.doctor.checklist import Status, diagnose
from tests.cli import write_config

pytestmark = pytest.mark.real_obs

SEGMENTS = """\
show:
  segments:
    - title: Welcome
      scene: Starting Soon
      text: {"Lower Third": "Welcome!"}
    - title: Talk
      scene: Speaker
      ndi: {"NDI Speaker": "ZOOM-PC (Zoom - Gallery)"}
"""


def _check(show_obs, tmp_path, monkeypatch, segments: str):
    monkeypatch.setenv("RUNOFSHOW_OBS_PASSWORD", show_obs.password)
    path = write_config(
        tmp_path / "streamkit.yaml",
        f"obs:\n  host: {show_obs.host}\n  port: {show_obs.port}\n"
        "  password: env:RUNOFSHOW_OBS_PASSWORD\n" + segments,
    )
    config = parse_config(path.read_text(encoding="utf-8"), path)
    (result,) = diagnose(config, only=["show.runofshow"])
    return result


def test_segments_naming_live_scenes_and_sources_pass(show_obs, tmp_path, monkeypatch):
    result = _check(show_obs, tmp_path, monkeypatch, SEGMENTS)
    assert result.status is Status.PASS, result.details


def test_a_misspelt_scene_ndi_input_or_text_source_fails(show_obs, tmp_path, monkeypatch):
    wrong = (
        SEGMENTS.replace("scene: Speaker", "scene: Speakr")
        .replace('"Lower Third"', '"Lower Thrid"')
        .replace('"NDI Speaker"', '"Call Audio"')
    )
    result = _check(show_obs, tmp_path, monkeypatch, wrong)
    assert result.status is Status.FAIL
    assert result.details == [
        "segment 1 'Welcome': text source 'Lower Thrid' does not exist "
        "(did you mean 'Lower Third'?)",
        "segment 2 'Talk': scene 'Speakr' does not exist (did you mean 'Speaker'?)",
        "segment 2 'Talk': 'Call Audio' is a ffmpeg_source, not an NDI input",
    ]
