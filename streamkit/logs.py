"""Logging set-up: every record passes through the secret redactor before it is written."""

from __future__ import annotations

import logging
import sys

from streamkit.redact import REDACT

# obsws-python logs its connection parameters, password included, at INFO from these loggers.
_CHATTY_DRIVER_LOGGERS = (
    "obsws_python.baseclient.ObsClient",
    "obsws_python.reqs.ReqClient",
    "obsws_python.events.EventClient",
)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with every known secret replaced by ***."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = REDACT(message)
        if "password=" in clean:
            clean = _hide_password_fields(clean)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = REDACT(str(record.exc_info[1]))
            if text != str(record.exc_info[1]):
                record.exc_info = None
                record.exc_text = None
                record.msg = f"{record.msg} ({text})"
        return True


class DriverFilter(RedactingFilter):
    """For obsws-python's loggers: redacted, and demoted to DEBUG without tracebacks.

    streamkit reports connection failures itself, as one clear line; the driver's own
    ERROR records with tracebacks would only repeat them less clearly.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            if record.exc_info:
                record.exc_info, record.exc_text = None, None
        super().filter(record)
        return logging.getLogger().isEnabledFor(logging.DEBUG)


def _hide_password_fields(text: str) -> str:
    import re

    return re.sub(r"password='[^']*'", "password='***'", text)


def protect_driver_loggers() -> None:
    """Attach the redacting filter to the loggers of obsws-python that print passwords."""
    for name in _CHATTY_DRIVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DriverFilter) for f in logger.filters):
            logger.addFilter(DriverFilter())


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (it may be replaced, e.g. under tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RedactingFilter())
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def setup_logging(level: str = "WARNING") -> None:
    """Log to stderr at `level`, through the redactor (other handlers are left alone)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(handler)
    handler = StderrHandler()
    handler.setLevel(level)  # the level asked for, whatever else lowers the root logger's
    root.addHandler(handler)
    root.setLevel(level)
    protect_driver_loggers()
