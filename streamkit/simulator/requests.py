"""Runs one request against the simulated OBS: every handler module registered, one dispatch."""

from __future__ import annotations

import logging
from typing import Any

# Importing the handler modules registers their requests.
from streamkit.simulator import (  # noqa: F401
    req_config,
    req_general,
    req_inputs,
    req_items,
    req_outputs,
    req_rest,
    req_scenes,
    req_sources,
)
from streamkit.simulator.params import (
    MISSING_REQUEST_TYPE,
    SUCCESS,
    UNKNOWN_REQUEST_TYPE,
    Params,
    RequestError,
)
from streamkit.simulator.registry import HANDLERS, SINCE, Context

log = logging.getLogger(__name__)

Result = tuple[int, str | None, dict[str, Any] | None]


def available_requests() -> list[str]:
    """Every request type the simulator answers, as GetVersion lists them."""
    return sorted(HANDLERS)


def request_since(request_type: str) -> str | None:
    """The obs-websocket version that introduced `request_type`, if the simulator offers it."""
    return SINCE.get(request_type)


def dispatch(ctx: Context, request_type: Any, data: Any) -> Result:
    """Run one request: (status code, comment or None, responseData or None)."""
    if not isinstance(request_type, str) or not request_type:
        return MISSING_REQUEST_TYPE, "Your request's `requestType` may not be empty.", None
    handler = HANDLERS.get(request_type)
    if handler is None:
        return UNKNOWN_REQUEST_TYPE, "Your request type is not valid.", None
    try:
        response = handler(ctx, Params(data))
    except RequestError as exc:
        return exc.code, exc.comment, None
    except Exception:  # a simulator bug must not kill the connection, as in OBS
        log.exception("simulated %s failed", request_type)
        return 702, "The simulator failed to process the request.", None
    return SUCCESS, None, response
