"""The AWS test bed: a moto server (with the WorkSpaces extension) on a free loopback port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli import run_cli

HERE = Path(__file__).resolve().parent
REGION = "us-east-1"
FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.aws)


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start tests/aws/moto_launcher.py; it exits when its stdin closes."""
    log = open(tmp_path_factory.mktemp("moto") / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "moto_launcher.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            pytest.fail(f"moto server did not start (see {log.name})")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def aws_env(moto_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for a CLI subprocess: moto endpoint, fake keys, no user AWS config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(FAKE_KEYS)
    env.update(
        AWS_ENDPOINT_URL=moto_url,
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        STREAMKIT_CONFIG="",
    )
    return env


@pytest.fixture
def in_moto(aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point this process's boto3 at moto, as the CLI subprocesses are."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in aws_env.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    return aws_env


@pytest.fixture
def moto(moto_url: str) -> Moto:
    """A freshly reset moto server, with helpers."""
    moto = Moto(moto_url)
    moto.post("/moto-api/reset", {})
    return moto


class Moto:
    """Reach the moto server from tests: boto3 clients, a directory, the control route."""

    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read().decode()
        return json.loads(text) if text.strip().startswith("{") else {}

    def control(self, region: str = REGION, **body: Any) -> dict[str, Any]:
        return self.post("/moto-api/streamkit/workspaces", {"region": region, **body})

    def client(self, service: str, region: str = REGION) -> Any:
        import boto3

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def directory(self, region: str = REGION, register: bool = True) -> str:
        """A Simple AD directory in a fresh VPC, registered with WorkSpaces."""
        ec2 = self.client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(
                VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{zone}"
            )["Subnet"]["SubnetId"]
            for i, zone in ((1, "a"), (2, "b"))
        ]
        directory_id = self.client("ds", region).create_directory(
            Name="meetup.example.org",
            Password="Str0ngPassw0rd!",
            Size="Small",
            VpcSettings={"VpcId": vpc, "SubnetIds": subnets},
        )["DirectoryId"]
        if register:
            self.client("workspaces", region).register_workspace_directory(DirectoryId=directory_id)
        return directory_id

    def workspaces(self, region: str = REGION) -> list[dict[str, Any]]:
        return self.client("workspaces", region).describe_workspaces()["Workspaces"]


def write_config(path: Path, workspace: dict[str, Any], **sections: Any) -> Path:
    """A streamkit.yaml with a fast-polling workspace section and an unreachable OBS."""
    data = {
        "obs": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        "workspace": {
            k: v
            for k, v in {
                "region": REGION,
                "user_name": "alice",
                "poll_interval": 0.1,
                **workspace,
            }.items()
            if v is not None  # None: leave the key out
        },
        **sections,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path: Path, moto: Moto) -> Callable[..., Path]:
    def make(**workspace: Any) -> Path:
        return write_config(tmp_path / "streamkit.yaml", workspace)

    return make


@pytest.fixture
def cli(aws_env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess]:
    """Run `streamkit --config FILE workspace ARGS...` as a subprocess against moto."""

    def run(
        config: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess:
        return run_cli(
            "--config",
            str(config),
            "workspace",
            *args,
            environ=env or aws_env,
            timeout=timeout,
            cwd=HERE.parent.parent,
        )

    return run
