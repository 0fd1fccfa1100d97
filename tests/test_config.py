"""streamkit.yaml: discovery, validation errors with file/line/field, secret references."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamkit.config import load_config, parse_config
from streamkit.errors import ConfigError
from streamkit.secrets import SecretRef

ROOT = Path(__file__).resolve().parent.parent


def _parse(tmp_path: Path, text: str):
    path = tmp_path / "streamkit.yaml"
    path.write_text(text)
    return parse_config(text, path), path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STREAMKIT_CONFIG", raising=False)
    config = load_config()
    assert config.obs.host == "localhost" and config.obs.port == 4455
    assert config.obs.password is None


def test_discovery_order(tmp_path, monkeypatch):
    (tmp_path / "streamkit.yaml").write_text("obs: {port: 1001}\n")
    (tmp_path / "env.yaml").write_text("obs: {port: 1002}\n")
    (tmp_path / "flag.yaml").write_text("obs: {port: 1003}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STREAMKIT_CONFIG", raising=False)
    assert load_config().obs.port == 1001
    monkeypatch.setenv("STREAMKIT_CONFIG", str(tmp_path / "env.yaml"))
    assert load_config().obs.port == 1002
    assert load_config(tmp_path / "flag.yaml").obs.port == 1003


def test_missing_explicit_file(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "nope.yaml")


def test_unknown_key_names_file_line_and_field(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _parse(tmp_path, "obs:\n  host: a\n  prot: 4455\n")
    assert str(caught.value).startswith(f"{tmp_path / 'streamkit.yaml'}:3: obs.prot: unknown key")


def test_wrong_type_says_what_was_expected(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _parse(tmp_path, "obs:\n  port: many\n")
    message = str(caught.value)
    assert ":2: obs.port:" in message and "integer" in message and "'many'" in message


def test_out_of_range_port(tmp_path):
    with pytest.raises(ConfigError, match=r":2: obs.port: .*less than or equal to 65535"):
        _parse(tmp_path, "obs:\n  port: 70000\n")


def test_literal_password_is_refused(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _parse(tmp_path, "obs:\n  password: hunter2hunter2\n")
    assert ":2: obs.password:" in str(caught.value)
    assert "env:VARIABLE" in str(caught.value)
    assert "hunter2hunter2" not in str(caught.value)  # the mistake is not echoed back


def test_invalid_yaml_gives_line(tmp_path):
    with pytest.raises(ConfigError, match=r"streamkit.yaml:2: invalid YAML"):
        _parse(tmp_path, "obs:\n  host: [unclosed\n")


def test_top_level_must_be_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="expected a mapping"):
        _parse(tmp_path, "- a\n- b\n")


def test_missing_env_secret_names_file_line_and_field(tmp_path, monkeypatch):
    monkeypatch.delenv("SK_TEST_PW", raising=False)
    config, path = _parse(tmp_path, "event: x\nobs:\n  password: env:SK_TEST_PW\n")
    with pytest.raises(ConfigError) as caught:
        config.obs.password.resolve()
    assert str(caught.value).startswith(f"{path}:3: obs.password: secret env:SK_TEST_PW")


def test_env_secret_resolves_lazily(tmp_path, monkeypatch):
    config, _ = _parse(tmp_path, "obs:\n  password: env:SK_TEST_PW\n")
    monkeypatch.setenv("SK_TEST_PW", "s3cret-value")
    assert config.obs.password.resolve() == "s3cret-value"
    assert "s3cret-value" not in repr(config) and "s3cret-value" not in str(config.obs)


def test_ssm_secret_through_an_injected_client():
    class FakeSsm:
        class exceptions:
            class ParameterNotFound(Exception):
                pass

        def get_parameter(self, Name, WithDecryption):
            assert WithDecryption
            return {"Parameter": {"Value": f"value-of-{Name}"}}

    ref = SecretRef("ssm:/streamkit/obs-password")
    assert ref.resolve(FakeSsm()) == "value-of-/streamkit/obs-password"


@pytest.mark.parametrize("bad", ["env:", "env:1X", "ssm:relative", "plain", "ssm:/"])
def test_malformed_references(bad):
    with pytest.raises(ValueError):
        SecretRef(bad)


def test_shipped_example_is_valid():
    config = load_config(ROOT / "streamkit.example.yaml")
    assert config.obs.password is not None and config.obs.password.scheme == "env"


def test_empty_env_secret_says_empty(tmp_path, monkeypatch):
    config, _ = _parse(tmp_path, "obs:\n  password: env:SK_TEST_PW\n")
    monkeypatch.setenv("SK_TEST_PW", "")
    with pytest.raises(ConfigError, match="SK_TEST_PW is empty"):
        config.obs.password.resolve()


def test_ssm_secret_without_a_region_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    config, path = _parse(tmp_path, "obs:\n  stream_key: ssm:/meetup/key\n")
    with pytest.raises(ConfigError) as caught:
        config.obs.stream_key.resolve()
    assert str(caught.value).startswith(f"{path}:2: obs.stream_key: secret ssm:/meetup/key")
    assert "no AWS region" in str(caught.value)
