"""The cache of the validated `obs:` section (streamkit.configfile): served only while the
config's text, its path and streamkit's code are unchanged; never holding a secret."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from streamkit import configfile
from streamkit.cli import main
from streamkit.commands import obs_settings
from streamkit.config import load_config
from streamkit.configfile import ObsConnection, cache_folder, cached_obs, read_config
from streamkit.errors import ConfigError
from streamkit.simulator.server import SimulatorThread
from tests.cli import status_and_modules

CONFIG = """\
obs:
  host: 127.0.0.1
  port: {port}
  timeout: 2.5
  password: env:CACHE_TEST_OBS_PASSWORD
  stream_key: env:CACHE_TEST_STREAM_KEY
workspace:
  region: eu-west-1
"""


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("STREAMKIT_CONFIG", raising=False)
    return folder


def _config(tmp_path: Path, port: int = 4455, extra: str = "") -> Path:
    path = tmp_path / "streamkit.yaml"
    path.write_text(CONFIG.format(port=port) + extra, encoding="utf-8")
    return path


def test_a_validated_config_is_served_until_its_text_changes(tmp_path):
    path = _config(tmp_path)
    assert cached_obs(read_config(path)) is None  # never validated
    validated = load_config(path).obs
    cached = cached_obs(read_config(path))
    assert cached == ObsConnection("127.0.0.1", 4455, validated.password, 2.5)
    assert cached.password.origin == validated.password.origin == f"{path}:5: obs.password"
    assert cached.password.region == "eu-west-1"

    _config(tmp_path, extra="# a comment is a change too\n")
    assert cached_obs(read_config(path)) is None
    load_config(path)
    assert cached_obs(read_config(path)) is not None


def test_the_defaults_are_cached_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no streamkit.yaml here
    load_config()
    assert cached_obs(read_config(None)) == ObsConnection("localhost", 4455, None, 5.0)


def test_the_same_file_named_another_way_names_itself_that_way_in_errors(tmp_path, monkeypatch):
    path = _config(tmp_path)
    load_config(path)
    monkeypatch.chdir(tmp_path)
    assert cached_obs(read_config("streamkit.yaml")) is None
    assert load_config("streamkit.yaml").obs.password.origin == "streamkit.yaml:5: obs.password"
    assert cached_obs(read_config("streamkit.yaml")).password.origin == (
        "streamkit.yaml:5: obs.password"
    )


@pytest.fixture
def fingerprint():
    """configfile._code_fingerprint, computed afresh at each call."""

    def compute() -> str:
        configfile._code_fingerprint.cache_clear()
        return configfile._code_fingerprint()

    yield compute
    configfile._code_fingerprint.cache_clear()


def test_a_change_to_streamkit_code_is_a_change(tmp_path, monkeypatch, fingerprint):
    package = tmp_path / "package"
    package.mkdir()
    (package / "settings.py").write_text("PORT = 4455\n")
    monkeypatch.setattr(configfile, "_PACKAGE", package)
    before = fingerprint()
    assert fingerprint() == before
    (package / "settings.py").write_text("PORT = 65535\n")
    assert fingerprint() != before


def test_an_upgrade_of_a_validating_library_is_a_change(tmp_path, monkeypatch, fingerprint):
    before = fingerprint()
    library = tmp_path / "pydantic"
    library.mkdir()
    (library / "__init__.py").write_text("VERSION = '2'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    installed = fingerprint()
    assert installed != before
    (library / "__init__.py").write_text("VERSION = '2.99'\n")
    assert fingerprint() != installed


def test_an_edited_config_that_no_longer_validates_is_never_served(tmp_path, capsys):
    path = _config(tmp_path)
    load_config(path)
    path.write_text(CONFIG.format(port=0), encoding="utf-8")
    assert main(["--config", str(path), "obs", "status"]) == 2
    assert f"{path}:3: obs.port: Input should be greater than or equal to 1" in (
        capsys.readouterr().err
    )


def test_a_missing_secret_is_reported_the_same_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("CACHE_TEST_OBS_PASSWORD", raising=False)
    path = _config(tmp_path)
    messages = []
    for _ in range(2):  # validated, then cached
        settings = obs_settings(path)
        with pytest.raises(ConfigError) as failure:
            settings.password.resolve()
        messages.append(str(failure.value))
    assert isinstance(settings, ObsConnection)
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"{path}:5: obs.password: secret env:CACHE_TEST_OBS_PASSWORD")


def test_a_broken_cache_entry_is_validated_again_and_replaced(tmp_path):
    path = _config(tmp_path)
    load_config(path)
    (entry,) = cache_folder().iterdir()
    for broken in ("{not json", '{"format": 1, "key": 3}', "[]", ""):
        entry.write_text(broken)
        assert cached_obs(read_config(path)) is None
    key = configfile._key(read_config(path))
    obs = {"host": "h", "port": 1, "timeout": 1.0, "password": None}
    for wrong in (
        {"format": 1, "key": key, "obs": {"host": "h"}},  # the right key, fields missing
        {"format": 1, "key": key, "obs": {**obs, "port": float("inf")}},
        {"format": 1, "key": key, "obs": {**obs, "password": "not a reference"}},
    ):
        entry.write_text(json.dumps(wrong))
        assert cached_obs(read_config(path)) is None, wrong
    load_config(path)
    assert cached_obs(read_config(path)).host == "127.0.0.1"


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    path = _config(tmp_path)
    assert load_config(path).obs.port == 4455
    assert cached_obs(read_config(path)) is None
    assert capsys.readouterr().err == ""


def test_a_write_that_fails_half_way_leaves_nothing_behind(tmp_path):
    path = _config(tmp_path)
    load_config(path)
    (entry,) = cache_folder().iterdir()
    entry.unlink()
    entry.mkdir()  # the rename over it fails
    load_config(path)
    assert [p.name for p in cache_folder().iterdir()] == [entry.name]


def test_without_a_home_folder_there_is_no_cache_and_no_error(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    path = _config(tmp_path)
    assert load_config(path).obs.port == 4455
    assert cached_obs(read_config(path)) is None
    assert isinstance(obs_settings(path), type(load_config(path).obs))


def test_a_relative_xdg_cache_home_is_ignored_as_the_spec_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "streamkit" / "config"


def test_a_config_path_that_is_not_utf8_is_cached_like_any_other(tmp_path):
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/conf\xff.yaml"))
    path.write_text(CONFIG.format(port=4455), encoding="utf-8")
    assert load_config(path).obs.port == 4455
    assert cached_obs(read_config(path)).password.origin == f"{path}:5: obs.password"


def test_the_cache_holds_references_never_secrets_and_only_its_owner_reads_it(tmp_path):
    password = "cache-test-password-5c1f"  # resolved by obs status, to reach the simulator
    env = {"CACHE_TEST_OBS_PASSWORD": password}
    with SimulatorThread(password=password) as sim:
        path = _config(tmp_path, port=sim.port)
        for _ in range(2):
            assert status_and_modules(path, env)[0] == 0
    (entry,) = cache_folder().iterdir()
    text = entry.read_text()
    assert password not in text
    assert "env:CACHE_TEST_OBS_PASSWORD" in text
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_folder().stat().st_mode) == 0o700


def test_obs_status_of_an_unchanged_config_loads_neither_pydantic_nor_yaml(tmp_path):
    with SimulatorThread(password="status-pw") as sim:
        path = _config(tmp_path, port=sim.port)
        env = {"CACHE_TEST_OBS_PASSWORD": "status-pw"}
        runs = [status_and_modules(path, env) for _ in range(2)]
        _config(tmp_path, port=sim.port, extra="event: edited\n")
        runs.append(status_and_modules(path, env))
    loaded = [(code, modules) for code, modules, _ in runs]
    assert loaded == [(0, ["pydantic", "yaml"]), (0, []), (0, ["pydantic", "yaml"])]
