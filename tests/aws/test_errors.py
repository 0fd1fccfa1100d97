"""AWS failures become one-line explanations with the documented exit codes."""

from __future__ import annotations

import botocore.exceptions as bx
import pytest

from streamkit.aws.errors import AwsAccessError, AwsActionFailed, aws_call
from streamkit.aws.session import make_client


def client_error(code: str, message: str = "nope") -> bx.ClientError:
    return bx.ClientError({"Error": {"Code": code, "Message": message}}, "StartWorkspaces")


@pytest.mark.parametrize(
    "raised,kind,exit_code,text",
    [
        (bx.NoCredentialsError(), AwsAccessError, 7, "no AWS credentials found"),
        (bx.NoRegionError(), AwsAccessError, 7, "no AWS region set"),
        (client_error("AccessDeniedException"), AwsAccessError, 7, "access denied"),
        (client_error("UnrecognizedClientException"), AwsAccessError, 7, "access denied"),
        (client_error("ThrottlingException"), AwsActionFailed, 6, "throttling"),
        (
            client_error("ValidationException", "bad id"),
            AwsActionFailed,
            6,
            "ValidationException: bad id",
        ),
        (
            bx.EndpointConnectionError(endpoint_url="https://x"),
            AwsActionFailed,
            6,
            "could not reach AWS",
        ),
    ],
)
def test_botocore_errors_are_translated(raised, kind, exit_code, text):
    with pytest.raises(kind) as caught, aws_call("StartWorkspaces"):
        raise raised
    assert caught.value.exit_code == exit_code
    assert text in str(caught.value)
    assert str(caught.value).startswith("StartWorkspaces: ")


def test_clients_use_botocore_retry_modes():
    client = make_client("workspaces", "eu-west-1")
    retries = client.meta.config.retries
    assert retries == {"mode": "adaptive", "total_max_attempts": 9}
    assert client.meta.region_name == "eu-west-1"


def test_cli_without_region_exits_7(moto, tmp_path, cli, aws_env):
    from tests.aws.conftest import write_config

    config = write_config(tmp_path / "s.yaml", {"directory_id": moto.directory(), "region": None})
    env = {k: v for k, v in aws_env.items() if k not in ("AWS_DEFAULT_REGION", "AWS_REGION")}
    result = cli(config, "status", env=env)
    assert result.returncode == 7
    assert "no AWS region set" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_without_credentials_exits_7(moto, config_file, cli, aws_env):
    env = {
        k: v for k, v in aws_env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    }
    result = cli(config_file(directory_id=moto.directory()), "status", env=env)
    assert result.returncode == 7
    assert "no AWS credentials found" in result.stderr
