"""The workspace: section is validated before any AWS call."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from streamkit.aws.workspace.provision import creation_request
from streamkit.aws.workspace.settings import WorkspaceSettings


def test_defaults_are_an_auto_stop_graphics_g4dn():
    settings = WorkspaceSettings()
    assert (settings.bundle, settings.running_mode, settings.auto_stop_timeout_minutes) == (
        "Graphics.g4dn",
        "AUTO_STOP",
        60,
    )


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"auto_stop_timeout_minutes": 90}, "multiple of 60"),
        ({"auto_stop_timeout_minutes": 3000}, "less than or equal to 2880"),
        ({"running_mode": "ALWAYS_ON", "auto_stop_timeout_minutes": 60}, "only to running_mode"),
        ({"running_mode": "MANUAL"}, "AUTO_STOP"),
        ({"directory_id": "corp"}, "d-906734f1a2"),
        ({"bundle": "wsb-X"}, "wsb-b0s22j3d7"),
        ({"tags": {"streamkit:workspace": "x"}}, "reserved"),
        ({"buundle": "Graphics.g4dn"}, "Extra inputs"),
    ],
)
def test_bad_settings_are_refused(fields, message):
    with pytest.raises(ValidationError, match=message):
        WorkspaceSettings(**fields)


def test_creation_request_follows_the_config():
    settings = WorkspaceSettings(
        directory_id="d-906734f1a2",
        user_name="alice",
        auto_stop_timeout_minutes=120,
        root_volume_gib=175,
        user_volume_gib=100,
        tags={"team": "meetup"},
        name="main",
    )
    request = creation_request(settings, "wsb-abcdef123")
    assert request["WorkspaceProperties"] == {
        "RunningMode": "AUTO_STOP",
        "RunningModeAutoStopTimeoutInMinutes": 120,
        "RootVolumeSizeGib": 175,
        "UserVolumeSizeGib": 100,
    }
    assert request["Tags"] == [
        {"Key": "team", "Value": "meetup"},
        {"Key": "streamkit:workspace", "Value": "main"},
    ]
    always_on = creation_request(WorkspaceSettings(running_mode="ALWAYS_ON"), "wsb-abcdef123")
    assert always_on["WorkspaceProperties"] == {"RunningMode": "ALWAYS_ON"}
