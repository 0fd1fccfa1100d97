"""What can go wrong with the chat connection, each with a message a person can act on."""

from __future__ import annotations

from streamkit.errors import StreamkitError


class ChatError(StreamkitError):
    """The chat server refused or failed something."""

    exit_code = 3


class ChatUnreachable(ChatError):
    """No connection to the chat server (down, wrong host/port, network, timeout)."""

    exit_code = 3


class ChatAuthFailed(ChatError):
    """The server refused the login (a wrong or expired OAuth token)."""

    exit_code = 4


class ChatRefused(ChatError):
    """The server refused something that will not work by trying again (a bad channel)."""

    exit_code = 2
