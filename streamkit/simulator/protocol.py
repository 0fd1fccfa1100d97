"""One obs-websocket v5 session: Hello, Identify and auth, requests, batches, close codes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from streamkit.simulator import events as sim_events
from streamkit.simulator.registry import OBS_VERSION, RPC_VERSION, WEBSOCKET_VERSION, Context
from streamkit.simulator.requests import dispatch

log = logging.getLogger(__name__)

HELLO, IDENTIFY, IDENTIFIED, REIDENTIFY, EVENT = 0, 1, 2, 3, 5
REQUEST, REQUEST_RESPONSE, REQUEST_BATCH, REQUEST_BATCH_RESPONSE = 6, 7, 8, 9

# OBS handles each message on a thread pool: a Reidentify takes effect a moment after it arrives,
# so events of a request sent right behind it (on another connection) may still be filtered
# by the old subscriptions. The Identified reply says the change has landed.
REIDENTIFY_LANDS_AFTER = 0.05

NOT_READY_COMMENT = "OBS is not ready to perform the request."

CLOSE_MESSAGE_DECODE_ERROR = 4002
CLOSE_MISSING_DATA_FIELD = 4003
CLOSE_INVALID_DATA_FIELD_TYPE = 4004
CLOSE_INVALID_DATA_FIELD_VALUE = 4005
CLOSE_UNKNOWN_OPCODE = 4006
CLOSE_NOT_IDENTIFIED = 4007
CLOSE_ALREADY_IDENTIFIED = 4008
CLOSE_AUTHENTICATION_FAILED = 4009
CLOSE_UNSUPPORTED_RPC_VERSION = 4010
CLOSE_UNSUPPORTED_FEATURE = 4012


def auth_response(password: str, salt: str, challenge: str) -> str:
    """The `authentication` string a client computes from the password, salt and challenge."""
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest()).decode()
    return base64.b64encode(hashlib.sha256((secret + challenge).encode()).digest()).decode()


class ProtocolClose(Exception):
    """Close the session with an obs-websocket close code and reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _is_unsigned(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class Session:
    """A connected client. Messages go out through one queue, so events and responses keep order."""

    def __init__(
        self, ws: ServerConnection, password: str | None, make_context: Callable[[Session], Context]
    ) -> None:
        self.ws = ws
        self.identified = False
        self.subscriptions = 0
        self.stats = {"incoming": 0, "outgoing": 0}
        self._password = password
        self._make_context = make_context
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._salt = base64.b64encode(secrets.token_bytes(32)).decode()
        self._challenge = base64.b64encode(secrets.token_bytes(32)).decode()

    def wants(self, intent: int) -> bool:
        return self.identified and bool(self.subscriptions & intent)

    def send(self, op: int, data: dict[str, Any]) -> None:
        """Queue a message (from the event loop thread)."""
        self.stats["outgoing"] += 1
        # OBS's JSON objects are ordered maps: keys go out in alphabetical order, at every level.
        message = json.dumps({"d": data, "op": op}, separators=(",", ":"), sort_keys=True)
        self._queue.put_nowait(message)

    def send_event(self, event_type: str, data: dict[str, Any] | None) -> None:
        intent = sim_events.intent_of(event_type)
        if self.wants(intent):
            message: dict[str, Any] = {"eventType": event_type, "eventIntent": intent}
            if data is not None:
                message["eventData"] = data
            self.send(EVENT, message)

    async def run(self) -> None:
        """Serve the connection until it closes."""
        self._writer = writer = asyncio.create_task(self._write())
        hello: dict[str, Any] = {
            "obsStudioVersion": OBS_VERSION,
            "obsWebSocketVersion": WEBSOCKET_VERSION,
            "rpcVersion": RPC_VERSION,
        }
        if self._password:
            hello["authentication"] = {"challenge": self._challenge, "salt": self._salt}
        self.send(HELLO, hello)
        close: ProtocolClose | None = None
        try:
            async for raw in self.ws:
                self.stats["incoming"] += 1
                await self._handle(raw)
        except ProtocolClose as exc:
            close = exc
        except ConnectionClosed:
            pass
        finally:
            self._queue.put_nowait(None)
            await asyncio.gather(writer, return_exceptions=True)
        if close is not None:
            log.info("closing a session: %s %s", close.code, close.reason)
            await self.ws.close(close.code, close.reason)

    async def close(self, code: int, reason: str) -> None:
        """Send what is queued (an ExitStarted event, say), then close with `code`."""
        if self._writer is not None:
            self._queue.put_nowait(None)
            await asyncio.wait({self._writer}, timeout=2)
        await self.ws.close(code, reason)

    async def _write(self) -> None:
        while True:
            message = await self._queue.get()
            if message is None:
                return
            try:
                await self.ws.send(message)
            except ConnectionClosed:
                return

    async def _handle(self, raw: str | bytes) -> None:
        if isinstance(raw, bytes):
            raise ProtocolClose(
                CLOSE_MESSAGE_DECODE_ERROR,
                "Received a binary message while using the JSON subprotocol.",
            )
        try:
            message = json.loads(raw)
        except ValueError as exc:
            raise ProtocolClose(
                CLOSE_MESSAGE_DECODE_ERROR, f"Unable to decode Json: {exc}"
            ) from None
        if not isinstance(message, dict):
            raise ProtocolClose(CLOSE_MESSAGE_DECODE_ERROR, "Your message is not a JSON object.")
        if not self.identified and "request-type" in message:
            raise ProtocolClose(
                CLOSE_UNSUPPORTED_RPC_VERSION,
                "You are attempting to connect with the pre-5.0.0 plugin protocol.",
            )
        if "op" not in message:
            raise ProtocolClose(CLOSE_UNKNOWN_OPCODE, "Your request is missing an `op`.")
        op = message["op"]
        data = message.get("d")
        if not isinstance(data, dict):
            raise ProtocolClose(CLOSE_MISSING_DATA_FIELD, "Your request is missing a `d`.")
        if not self.identified and op != IDENTIFY:
            raise ProtocolClose(
                CLOSE_NOT_IDENTIFIED,
                "You attempted to send a non-Identify message while not identified.",
            )
        if op == IDENTIFY:
            self._identify(data)
        elif op == REIDENTIFY:
            subscriptions = self._valid_subscriptions(data)
            asyncio.get_running_loop().call_later(
                REIDENTIFY_LANDS_AFTER, self._reidentified, subscriptions
            )
        elif op == REQUEST:
            self._request(data)
        elif op == REQUEST_BATCH:
            await self._batch(data)
        else:
            raise ProtocolClose(CLOSE_UNKNOWN_OPCODE, f"Unknown OpCode: {op}")

    def _identify(self, data: dict[str, Any]) -> None:
        if self.identified:
            raise ProtocolClose(
                CLOSE_ALREADY_IDENTIFIED,
                "You are already Identified with the obs-websocket server.",
            )
        if "rpcVersion" not in data:
            raise ProtocolClose(
                CLOSE_MISSING_DATA_FIELD, "Your payload's data is missing an `rpcVersion`."
            )
        if not _is_unsigned(data["rpcVersion"]):
            raise ProtocolClose(CLOSE_INVALID_DATA_FIELD_TYPE, "Your `rpcVersion` is not a number.")
        if data["rpcVersion"] != RPC_VERSION:
            raise ProtocolClose(
                CLOSE_UNSUPPORTED_RPC_VERSION,
                "Your requested RPC version is not supported by this server.",
            )
        if self._password:
            given = data.get("authentication")
            if not isinstance(given, str):
                raise ProtocolClose(
                    CLOSE_AUTHENTICATION_FAILED,
                    "Your payload's data is missing an `authentication` string, "
                    "however authentication is required.",
                )
            expected = auth_response(self._password, self._salt, self._challenge)
            if not secrets.compare_digest(given.encode(), expected.encode()):
                raise ProtocolClose(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.")
        self.subscriptions = self._valid_subscriptions(data)
        self.identified = True
        self.send(IDENTIFIED, {"negotiatedRpcVersion": RPC_VERSION})

    def _valid_subscriptions(self, data: dict[str, Any]) -> int:
        subs = data.get("eventSubscriptions", sim_events.ALL)
        if not _is_unsigned(subs):
            raise ProtocolClose(
                CLOSE_INVALID_DATA_FIELD_TYPE,
                "Your `eventSubscriptions` is not an unsigned number.",
            )
        return subs

    def _reidentified(self, subscriptions: int) -> None:
        self.subscriptions = subscriptions
        self.send(IDENTIFIED, {"negotiatedRpcVersion": RPC_VERSION})

    def _request(self, data: dict[str, Any]) -> None:
        if "requestType" not in data:
            raise ProtocolClose(
                CLOSE_MISSING_DATA_FIELD, "Your payload's data is missing an `requestType`."
            )
        if "requestId" not in data:
            raise ProtocolClose(
                CLOSE_MISSING_DATA_FIELD, "Your payload data is missing a `requestId`."
            )
        if self._loading():
            self.send(REQUEST_RESPONSE, _not_ready(data))
            return
        result = self._run(data, -1)
        result.pop("_sleep")
        self.send(REQUEST_RESPONSE, result)

    def _loading(self) -> bool:
        """OBS is loading a collection: obs-websocket answers everything 207."""
        return self._make_context(self).state.loading

    def _run(self, data: dict[str, Any], execution_type: int) -> dict[str, Any]:
        ctx = self._make_context(self)
        ctx.execution_type = execution_type
        request_type = data.get("requestType")
        code, comment, response = dispatch(ctx, request_type, data.get("requestData"))
        result: dict[str, Any] = {
            "requestType": request_type if isinstance(request_type, str) else ""
        }
        if "requestId" in data:
            result["requestId"] = data["requestId"]
        status: dict[str, Any] = {"result": code == 100, "code": code}
        if comment:
            status["comment"] = comment
        result["requestStatus"] = status
        if response is not None:
            result["responseData"] = response
        result["_sleep"] = ctx.sleep_seconds
        return result

    async def _batch(self, data: dict[str, Any]) -> None:
        if "requestId" not in data:
            raise ProtocolClose(
                CLOSE_MISSING_DATA_FIELD, "Your payload data is missing a `requestId`."
            )
        if "requests" not in data:
            raise ProtocolClose(
                CLOSE_MISSING_DATA_FIELD, "Your payload data is missing a `requests`."
            )
        requests = data["requests"]
        if not isinstance(requests, list):
            raise ProtocolClose(CLOSE_INVALID_DATA_FIELD_TYPE, "Your `requests` is not an array.")
        halt = data.get("haltOnFailure", False)
        if not isinstance(halt, bool):
            raise ProtocolClose(
                CLOSE_INVALID_DATA_FIELD_TYPE, "Your `haltOnFailure` is not a boolean."
            )
        execution_type = data.get("executionType", 0)
        if not _is_unsigned(execution_type):
            raise ProtocolClose(
                CLOSE_INVALID_DATA_FIELD_TYPE, "Your `executionType` is not a number."
            )
        if execution_type not in (0, 1, 2):
            raise ProtocolClose(
                CLOSE_INVALID_DATA_FIELD_VALUE, "Your `executionType` has an invalid value."
            )
        variables = data.get("variables")
        if variables is not None and not isinstance(variables, dict):
            raise ProtocolClose(CLOSE_INVALID_DATA_FIELD_TYPE, "Your `variables` is not an object.")
        if variables is not None and execution_type == 2:
            raise ProtocolClose(
                CLOSE_UNSUPPORTED_FEATURE, "Variables are not supported in Parallel mode."
            )
        variables = dict(variables or {})
        if self._loading():  # checked once, for the whole batch, as obs-websocket does
            items = requests[:1] if halt else requests
            results = [_not_ready(i if isinstance(i, dict) else {}) for i in items]
            self.send(REQUEST_BATCH_RESPONSE, {"requestId": data["requestId"], "results": results})
            return
        results = []
        for item in requests:
            item = _with_input_variables(item if isinstance(item, dict) else {}, variables)
            result = self._run(item, execution_type)
            _store_output_variables(item, result.get("responseData"), variables)
            sleep = result.pop("_sleep")
            results.append(result)
            if sleep:
                await asyncio.sleep(sleep)
            if halt and execution_type != 2 and not result["requestStatus"]["result"]:
                break
        self.send(REQUEST_BATCH_RESPONSE, {"requestId": data["requestId"], "results": results})


def _not_ready(data: dict[str, Any]) -> dict[str, Any]:
    """The answer to any request while OBS loads a collection."""
    request_type = data.get("requestType")
    result: dict[str, Any] = {"requestType": request_type if isinstance(request_type, str) else ""}
    if "requestId" in data:
        result["requestId"] = data["requestId"]
    result["requestStatus"] = {"result": False, "code": 207, "comment": NOT_READY_COMMENT}
    return result


def _with_input_variables(item: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    """The request with `inputVariables` ({field: variable}) filled into its requestData."""
    wanted = item.get("inputVariables")
    data = item.get("requestData")
    if not variables or not isinstance(wanted, dict) or not wanted:
        return item
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return item
    data = dict(data)
    for key, name in wanted.items():
        if isinstance(name, str) and name in variables:
            data[key] = variables[name]
    return {**item, "requestData": data} if data else item


def _store_output_variables(
    item: dict[str, Any], response: dict[str, Any] | None, variables: dict[str, Any]
) -> None:
    """Copy response fields into the batch's variables, as `outputVariables` ({variable: field})
    asks."""
    wanted = item.get("outputVariables")
    if not isinstance(wanted, dict) or not response:
        return
    for name, key in wanted.items():
        if isinstance(key, str) and key in response:
            variables[name] = response[key]
