"""Requests OBS applies after it answers: send, then wait for the event that says it landed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from streamkit.obs.client import ObsClient, Subs
from streamkit.obs.errors import ObsError, ObsTimeout

log = logging.getLogger(__name__)


def request_until_event(
    client: ObsClient,
    request_type: str,
    data: dict[str, Any] | None,
    event_type: str,
    matches: Callable[[dict[str, Any]], bool],
    *,
    subscription: int,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Send a request, then wait until `event_type` arrives with data that `matches` (e.g.
    OBS 32 answers CreateProfile before it has switched; a request sent in between can hang
    it). `subscription` is the event category, subscribed to for the wait if need be."""
    arrived = threading.Event()

    def listener(kind: str, event_data: dict[str, Any]) -> None:
        if kind == event_type and matches(event_data):
            arrived.set()

    before = client.subscriptions
    if not before & subscription:
        client.set_subscriptions(before | subscription)
    client.on_event(listener)
    try:
        # OBS 32 answers a collection switch only once it has loaded the collection
        answer = client.request(request_type, data, timeout=max(client.timeout, timeout))
        if not arrived.wait(timeout):
            raise ObsTimeout(
                f"OBS answered {request_type} but did not report {event_type} within {timeout:g} s"
            )
        return answer
    finally:
        client.remove_event_listener(listener)
        if client.subscriptions != before:
            try:
                client.set_subscriptions(before)
            except ObsError as exc:  # the wait's own outcome is what the caller needs
                log.debug("could not restore event subscriptions: %s", exc.message)


def switch_profile(client: ObsClient, request_type: str, name: str) -> None:
    """CreateProfile or SetCurrentProfile, returning once OBS runs profile `name`."""
    request_until_event(
        client,
        request_type,
        {"profileName": name},
        "CurrentProfileChanged",
        lambda event: event.get("profileName") == name,
        subscription=Subs.CONFIG,
    )


STUCK_SWITCH_HINT = (
    "look at OBS: when the collection it left still had sources in use, OBS 31 and later log "
    "'Not all sources were cleared' and, at the next collection switch, show a 'source leak' "
    "message and close; restart OBS, then run this again"
)


def switch_collection(client: ObsClient, request_type: str, name: str) -> None:
    """CreateSceneCollection or SetCurrentSceneCollection, returning once OBS runs collection
    `name` (it has then saved the one it left)."""
    try:
        request_until_event(
            client,
            request_type,
            {"sceneCollectionName": name},
            "CurrentSceneCollectionChanged",
            lambda event: event.get("sceneCollectionName") == name,
            subscription=Subs.CONFIG,
        )
    except ObsTimeout as exc:
        raise ObsTimeout(
            f"OBS did not finish switching to scene collection {name!r}: {exc.message}",
            hint=STUCK_SWITCH_HINT,
        ) from None
