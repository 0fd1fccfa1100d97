"""The few errors the OBS layer raises; driver exceptions never cross this boundary."""

from __future__ import annotations

from streamkit.errors import StreamkitError


class ObsError(StreamkitError):
    """Any failure talking to OBS."""

    exit_code = 5


class ObsUnreachable(ObsError):
    """Nothing answers obs-websocket at host:port, or the connection is down right now."""

    exit_code = 3


class ObsAuthFailed(ObsError):
    """OBS refused the websocket password (the password itself is never included)."""

    exit_code = 4


class ObsTimeout(ObsError):
    """OBS did not answer in time."""

    exit_code = 3


class ObsRequestFailed(ObsError):
    """OBS answered a request with a failure status."""

    exit_code = 5

    def __init__(self, request_type: str, code: int, comment: str | None = None) -> None:
        self.request_type = request_type
        self.code = code
        self.comment = comment or ""
        text = f"OBS refused {request_type} (status {code})"
        super().__init__(f"{text}: {comment}" if comment else text)
