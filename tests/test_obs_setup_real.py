"""After a scheduled start: wait for OBS, then import the profile and collection kept in git."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamkit.collection.setup import apply_setup, setup_step
from streamkit.config import parse_config
from streamkit.obs.client import ObsClient
from tests.realobs import free_port

pytestmark = pytest.mark.real_obs
ROOT = Path(__file__).resolve().parent.parent


def _config(tmp_path: Path, port: int):
    (tmp_path / "show.yaml").write_text("""\
name: Rehearsal
scenes:
  - name: Holding
    items: [Slate]
inputs:
  - name: Slate
    kind: color_source
    settings: {color: 4278190335, width: 640, height: 360}
""")
    text = f"""\
obs:
  host: 127.0.0.1
  port: {port}
  password: env:TEST_OBS_PASSWORD
  profile: {ROOT / "tests" / "fixtures" / "profiles" / "simple-720p"}
  collection: show.yaml
  timeout: 2
"""
    path = tmp_path / "streamkit.yaml"
    path.write_text(text)
    return parse_config(text, path)


def test_setup_imports_profile_then_collection(obs_factory, tmp_path, monkeypatch):
    obs = obs_factory()
    monkeypatch.setenv("TEST_OBS_PASSWORD", obs.password)
    done = apply_setup(_config(tmp_path, obs.port))
    assert done[0].startswith("profile 'Rehearsal 720p'")
    assert done[1].startswith("collection 'Rehearsal'")
    with ObsClient(obs.host, obs.port, obs.password) as client:
        assert client.request("GetProfileList")["currentProfileName"] == "Rehearsal 720p"
        assert client.request("GetSceneCollectionList")["currentSceneCollectionName"] == "Rehearsal"
    assert "0 change(s)" in " ".join(apply_setup(_config(tmp_path, obs.port)))


def test_setup_step_reports_instead_of_raising_when_obs_never_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_OBS_PASSWORD", "x")
    step = setup_step(_config(tmp_path, free_port()), timeout=0.1)
    assert step().startswith("OBS setup failed: cannot reach OBS")
