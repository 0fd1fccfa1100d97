"""The chat package's place in the layout, and its test bed's skip-or-fail rule."""

from __future__ import annotations

import subprocess
import sys

import pytest

import streamkit.chat
from tests import realobs
from tests.chat import ircd
from tests.realobs import REQUIRE_ENV


def test_the_chat_package_imports_no_ui_cloud_or_command_layer():
    import pkgutil

    modules = [f"streamkit.chat.{m.name}" for m in pkgutil.iter_modules(streamkit.chat.__path__)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert len(modules) >= 8
    assert not loaded & {"textual", "rich", "boto3", "botocore", "obsws_python", "websocket"}
    forbidden = ("streamkit.tui", "streamkit.aws", "streamkit.commands", "streamkit.show")
    assert not [m for m in loaded if m.startswith(forbidden) or m in ("streamkit.config",)]


def test_a_missing_irc_server_skips_with_its_reason_or_fails_where_required(monkeypatch):
    monkeypatch.setattr(ircd, "NGIRCD", "no-such-ircd")
    monkeypatch.setattr(ircd.shutil, "which", lambda name: None)
    server = ircd.IrcServer()
    with pytest.raises(realobs.TestBedUnavailable) as caught:
        server.start()
    server.cleanup()
    assert "ngircd is not installed (run `make system-deps`)" in str(caught.value)
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        ircd.unavailable(str(caught.value))
    assert "real IRC test bed unavailable: ngircd is not installed" in str(skipped.value)
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        ircd.unavailable(str(caught.value))
    assert f"required ({REQUIRE_ENV}=1)" in str(failed.value)
