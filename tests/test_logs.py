"""The CLI's stderr log keeps the level asked for, whatever else lowers the root logger's."""

from __future__ import annotations

import logging

from streamkit.logs import StderrHandler, setup_logging


def test_stderr_log_stays_at_its_level(capsys):
    root = logging.getLogger()
    level = root.level
    try:
        setup_logging("WARNING")
        root.setLevel(logging.DEBUG)  # as a test harness or a library may do
        logging.getLogger("websockets.server").info("connection closed")
        logging.getLogger("streamkit.test").warning("something to act on")
        err = capsys.readouterr().err
        assert "connection closed" not in err
        assert "WARNING streamkit.test: something to act on" in err
    finally:
        for handler in [h for h in root.handlers if isinstance(h, StderrHandler)]:
            root.removeHandler(handler)
        root.setLevel(level)
