"""infra/: CloudFormation templates pass cfn-lint and grant no wildcard actions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode

INFRA = Path(__file__).resolve().parents[2] / "infra"
TEMPLATES = sorted(INFRA.glob("*.yaml"))
CFN_LINT = Path(sys.executable).with_name("cfn-lint")


def policy_statements(node: Any) -> list[dict[str, Any]]:
    """Every statement of every policy document anywhere in a template."""
    found = []
    if isinstance(node, dict):
        statements = node.get("Statement")
        if isinstance(statements, list) and "Version" in node:
            for statement in statements:  # a conditional statement is {"Fn::If": [c, s, none]}
                options = statement.get("Fn::If", [None, statement])[1:]
                found.extend(s for s in options if isinstance(s, dict) and "Effect" in s)
        for value in node.values():
            found.extend(policy_statements(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(policy_statements(value))
    return found


def load(path: Path) -> dict[str, Any]:
    template, problems = decode(str(path))
    assert not problems, problems
    return template


def test_there_are_templates():
    assert {p.name for p in TEMPLATES} >= {"workspace.yaml", "cli-policy.yaml"}


def test_cfn_lint_is_clean():
    result = subprocess.run([str(CFN_LINT), *map(str, TEMPLATES)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_statement_allows_a_wildcard_action(path):
    statements = policy_statements(load(path))
    assert statements
    for statement in statements:
        assert "NotAction" not in statement, statement
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert action != "*" and not action.endswith(":*"), f"{path.name}: {action}"
            assert "*" not in action, f"{path.name}: {action}"


def test_scheduler_role_touches_only_its_workspace():
    role = load(INFRA / "workspace.yaml")["Resources"]["SchedulerRole"]["Properties"]
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    [statement] = role["Policies"][0]["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == [
        "workspaces:ModifyWorkspaceProperties",
        "workspaces:StartWorkspaces",
        "workspaces:StopWorkspaces",
    ]
    assert statement["Resource"]["Fn::Sub"].endswith(":workspace/${Workspace}")


def test_bootstrap_script_never_prints_the_password():
    script = (INFRA / "bootstrap-workspace.ps1").read_text(encoding="utf-8")
    for line in script.splitlines():
        if re.search(r"\b(Write-Host|Write-Output|Write-Verbose|echo)\b", line, re.I):
            assert "$password" not in line.lower(), line
    for key in (
        "server_enabled",
        "server_port",
        "auth_required",
        "server_password",
        "alerts_enabled",
        "first_load",
    ):
        assert key in script
    assert "if ($OpenFirewall) { Open-WebsocketPort }" in script
    assert "--minimize-to-tray" in script


def test_the_cli_policy_reaches_only_the_tagged_workspace_and_its_gpu_bundle():
    statements = {s["Sid"]: s for s in policy_statements(load(INFRA / "cli-policy.yaml"))}
    tagged = {"aws:ResourceTag/streamkit:workspace": {"Ref": "WorkspaceName"}}
    for sid in ("OperateTheTaggedWorkspace", "HoldTagsOnTheTaggedWorkspace"):
        assert statements[sid]["Condition"]["StringEquals"] == tagged, sid
    create = statements["CreateTheStreamingWorkspace"]
    assert create["Condition"]["StringEquals"] == {
        "aws:RequestTag/streamkit:workspace": {"Ref": "WorkspaceName"}
    }
    bundles = [r["Fn::Sub"] for r in create["Resource"] if "workspacebundle" in r["Fn::Sub"]]
    assert bundles == [
        "arn:${AWS::Partition}:workspaces:${AWS::Region}::workspacebundle/${GpuBundleId}"
    ]
    keys = statements["HoldTagsOnTheTaggedWorkspace"]["Condition"]["ForAllValues:StringLike"]
    assert set(keys["aws:TagKeys"]) == {
        "streamkit:autostop-restore",
        "streamkit:hold-until",
        "streamkit:run:*",
    }
    unscoped = [
        s["Sid"]
        for s in statements.values()
        if any(
            a.startswith("workspaces:") and not a.startswith("workspaces:Describe")
            for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        )
        and "Condition" not in s
    ]
    assert unscoped == []


def test_the_function_role_reaches_only_the_tagged_workspace():
    template = load(INFRA / "scheduler-function.yaml")
    role = template["Resources"]["FunctionRole"]["Properties"]
    statements = {s.get("Sid"): s for s in policy_statements(role)}
    operate = statements["OperateTheTaggedWorkspace"]
    assert operate["Condition"]["StringEquals"] == {
        "aws:ResourceTag/streamkit:workspace": {"Ref": "WorkspaceName"}
    }
    invoke = template["Resources"]["InvokeRole"]["Properties"]
    (only,) = [s for s in policy_statements(invoke) if s.get("Sid") == "InvokeOnly"]
    assert only["Action"] == "lambda:InvokeFunction"
    assert only["Resource"] == {"Fn::GetAtt": ["Function", "Arn"]}


def test_the_cli_may_set_the_workspace_tag_only_when_creating_it():
    """CreateTags on any WorkSpace with streamkit:workspace=NAME would let a user adopt
    someone else's WorkSpace and then start, stop and modify it."""
    statements = policy_statements(load(INFRA / "cli-policy.yaml"))
    for statement in statements:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        if "workspaces:CreateTags" in actions:
            condition = statement["Condition"]
            assert "aws:ResourceTag/streamkit:workspace" in condition["StringEquals"]
            keys = condition["ForAllValues:StringLike"]["aws:TagKeys"]
            assert "streamkit:workspace" not in keys, statement["Sid"]
    (create,) = [s for s in statements if s["Action"] == "workspaces:CreateWorkspaces"]
    assert create["Condition"]["ForAnyValue:StringEquals"] == {"aws:TagKeys": "streamkit:workspace"}


def test_the_cli_may_pass_the_roles_streamkits_templates_create_to_the_scheduler():
    template = load(INFRA / "cli-policy.yaml")
    params = template["Parameters"]
    assert "InvokeRoleArn" in params and params["InvokeRoleArn"]["Default"] == ""
    (passing,) = [
        s for s in policy_statements(template) if s.get("Sid") == "HandTheSchedulerItsRoles"
    ]
    assert passing["Condition"] == {
        "StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}
    }
    text = json.dumps(passing["Resource"])
    assert "SchedulerRoleArn" in text and "InvokeRoleArn" in text


def test_the_function_reserves_no_concurrency_unless_asked():
    """Reserving concurrency fails on accounts whose quota is 10 (10 must stay unreserved)."""
    template = load(INFRA / "scheduler-function.yaml")
    function = template["Resources"]["Function"]["Properties"]
    assert function["ReservedConcurrentExecutions"] == {
        "Fn::If": ["ReservesConcurrency", 1, {"Ref": "AWS::NoValue"}]
    }
    assert template["Parameters"]["ReservedConcurrency"]["Default"] == 0
