"""The streamkit function's deployment: the code zip and infra/scheduler-function.yaml on moto."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "scheduler-function.yaml"


def package(aws_env: dict, dest: Path) -> subprocess.CompletedProcess:
    return run_cli("schedule", "package", "--output", str(dest), environ=aws_env, cwd=ROOT)


def test_the_zip_runs_the_handler_on_its_own(aws_env, tmp_path):
    dest = tmp_path / "fn.zip"
    result = package(aws_env, dest)
    assert result.returncode == 0, result.stderr
    assert "handler streamkit.aws.schedule.cloud.handler" in result.stdout
    names = zipfile.ZipFile(dest).namelist()
    assert "streamkit/aws/schedule/cloud.py" in names
    assert not any(n.startswith(("streamkit/obs/", "streamkit/tui/")) for n in names)
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(dest)!r})\n"
        "import streamkit.aws.schedule.cloud as cloud\n"
        "print(cloud.__file__)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert run.stdout.strip().startswith(str(dest)), run.stderr
    again = tmp_path / "again.zip"
    package(aws_env, again)
    assert again.read_bytes() == dest.read_bytes()  # reproducible


def test_the_template_deploys_on_moto(moto, aws_env, tmp_path):
    dest = tmp_path / "fn.zip"
    assert package(aws_env, dest).returncode == 0
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="streamkit-code")
    s3.put_object(Bucket="streamkit-code", Key="streamkit-function.zip", Body=dest.read_bytes())
    topic = moto.client("sns").create_topic(Name="alerts")["TopicArn"]
    cfn = moto.client("cloudformation")
    cfn.create_stack(
        StackName="meetup",
        TemplateBody=TEMPLATE.read_text(encoding="utf-8"),
        Parameters=[
            {"ParameterKey": "CodeBucket", "ParameterValue": "streamkit-code"},
            {"ParameterKey": "SnsTopicArn", "ParameterValue": topic},
        ],
        Capabilities=["CAPABILITY_IAM"],
    )
    stack = cfn.describe_stacks(StackName="meetup")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["FunctionArn"].endswith(":function:meetup-streamkit")
    assert ":role/" in outputs["InvokeRoleArn"]
    function = moto.client("lambda").get_function(FunctionName="meetup-streamkit")
    assert function["Configuration"]["Handler"] == "streamkit.aws.schedule.cloud.handler"
    assert function["Configuration"]["Runtime"] == "python3.12"
