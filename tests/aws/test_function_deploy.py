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


FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:streamkit-schedule"
INVOKE_ROLE = "arn:aws:iam::123456789012:role/invoke"


def _function_config(tmp_path, workspace_id, events):
    from tests.aws.test_schedule_cli import config

    bridge = {"role_arn": INVOKE_ROLE, "function_arn": FUNCTION}
    return config(tmp_path, workspace_id, events, eventbridge=bridge)


def _reconcile_keys(moto) -> list[str]:
    import json

    sent = moto.client("scheduler").get_schedule(Name="reconcile", GroupName="streamkit-milano")
    return [a["key"] for a in json.loads(sent["Target"]["Input"])["actions"]]


def _event(id: str, start) -> dict:
    return {"id": id, "start": f"{start:%Y-%m-%d %H:%M}", "timezone": "UTC"}


def test_the_function_plan_reaches_back_to_the_oldest_stop_it_still_tries(moto, aws_env, tmp_path):
    from datetime import UTC, datetime, timedelta

    from streamkit.aws.schedule.plan import Record
    from streamkit.aws.schedule.tagledger import PREFIX, encode
    from tests.aws.schedule_support import stopped_workspace
    from tests.aws.test_schedule_cli import schedule

    workspace_id = stopped_workspace(moto)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    old, soon = now - timedelta(days=4), now + timedelta(days=3)
    pending = Record(
        "old-stop", "stop", "pending", 20, now - 5 * timedelta(minutes=1), "refused", since=old
    )
    moto.client("workspaces").create_tags(
        ResourceId=workspace_id, Tags=[{"Key": PREFIX + "old-stop", "Value": encode(pending)}]
    )
    path = _function_config(tmp_path, workspace_id, [_event("old", old), _event("soon", soon)])
    deployed = schedule(aws_env, path, "deploy")
    assert deployed.returncode == 0, deployed.stderr
    assert "old-stop" in _reconcile_keys(moto)


def test_deploy_from_a_later_time_keeps_the_coming_events_in_the_function_plan(
    moto, aws_env, tmp_path
):
    """--from limits the one-off schedules added; the reconcile plan, which every
    invocation decides from, still holds the events before it."""
    from datetime import UTC, datetime, timedelta

    from tests.aws.schedule_support import stopped_workspace
    from tests.aws.test_schedule_cli import schedule

    workspace_id = stopped_workspace(moto)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    soon, later = now + timedelta(days=3), now + timedelta(days=20)
    path = _function_config(tmp_path, workspace_id, [_event("soon", soon)])
    assert schedule(aws_env, path, "deploy").returncode == 0
    assert _reconcile_keys(moto) == ["soon-start", "soon-stop"]
    path = _function_config(tmp_path, workspace_id, [_event("soon", soon), _event("later", later)])
    since = f"{now + timedelta(days=10):%Y-%m-%dT%H:%MZ}"
    again = schedule(aws_env, path, "deploy", "--from", since)
    assert again.returncode == 0, again.stderr
    assert _reconcile_keys(moto) == ["soon-start", "soon-stop", "later-start", "later-stop"]
    names = [
        s["Name"]
        for s in moto.client("scheduler").list_schedules(GroupName="streamkit-milano")["Schedules"]
    ]
    assert sorted(names) == ["later-start", "later-stop", "reconcile", "soon-start", "soon-stop"]
