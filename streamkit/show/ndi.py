"""NDI slots: which sender each `ndi_source` input shows, the senders on offer, and switching."""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsError
from streamkit.obs.types import Request

NDI_KIND = "ndi_source"
SENDER_SETTING = "ndi_source_name"
INVALID_KIND = 605
PLUGIN = "DistroAV (the NDI plugin for OBS)"


@dataclass(frozen=True)
class NdiInput:
    name: str
    sender: str


@dataclass(frozen=True)
class SenderList:
    """What to offer: the plugin's live list, else the configured names (`source` says which).

    `plugin` is False when OBS has no NDI plugin (every NDI input shows black)."""

    senders: list[str]
    source: str  # "obs" (the plugin's live list) or "config" (fallback names)
    plugin: bool = True


class NdiControl:
    """Reads and switches the NDI sender of `ndi_source` inputs."""

    def __init__(
        self,
        client: ObsClient,
        fallback_senders: Sequence[str] = (),
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.fallback_senders = list(fallback_senders)
        self._sleep = sleep

    def inputs(self) -> list[NdiInput]:
        """Every `ndi_source` input with its current sender, in one batch after the list."""
        names = [
            i["inputName"]
            for i in self.client.request("GetInputList", {"inputKind": NDI_KIND}).get("inputs", [])
        ]
        results = self.client.batch([Request("GetInputSettings", {"inputName": n}) for n in names])
        return [
            NdiInput(n, str(r.data.get("inputSettings", {}).get(SENDER_SETTING, "")))
            for n, r in zip(names, results, strict=True)
            if r.ok
        ]

    def plugin_loaded(self) -> bool:
        """Whether OBS knows the `ndi_source` kind (DistroAV loaded)."""
        kinds = self.client.request("GetInputKindList", {"unversioned": True}).get("inputKinds")
        return NDI_KIND in (kinds or [])

    def senders(self, input_name: str, *, attempts: int = 1, interval: float = 1.5) -> SenderList:
        """The senders the plugin sees. Its list is empty for a few seconds after OBS starts:
        `attempts` > 1 asks again every `interval` seconds (a screen can wait; a command should
        not). Falls back to the senders named in the config when OBS offers none."""
        self._require_ndi_input(input_name)
        if not self.plugin_loaded():
            return SenderList(list(self.fallback_senders), "config", plugin=False)
        for attempt in range(attempts):
            items = self.client.request(
                "GetInputPropertiesListPropertyItems",
                {"inputName": input_name, "propertyName": SENDER_SETTING},
            ).get("propertyItems", [])
            names = [
                str(i.get("itemValue") or i.get("itemName"))
                for i in items
                if i.get("itemEnabled", True) and (i.get("itemValue") or i.get("itemName"))
            ]
            if names:
                return SenderList(names, "obs")
            if attempt + 1 < attempts:
                self._sleep(interval)
        return SenderList(list(self.fallback_senders), "config")

    def switch(self, input_name: str, sender: str, *, force: bool = False) -> NdiInput:
        """Show `sender` in `input_name`, keeping its other settings; verified by reading back.

        A sender neither listed by the plugin nor named in the config is refused, saying why
        (no plugin, none discovered yet, or not seen, with the closest names): a typo shows
        black on air. `force` switches anyway.
        """
        self._require_ndi_input(input_name)
        if not force:
            self._check_sender(input_name, sender)
        results = self.client.batch(
            [
                Request(
                    "SetInputSettings",
                    {
                        "inputName": input_name,
                        "inputSettings": {SENDER_SETTING: sender},
                        "overlay": True,
                    },
                ),
                Request("GetInputSettings", {"inputName": input_name}),
            ],
            halt_on_failure=True,
        )
        for result in results:
            if not result.ok:
                raise result.error()
        now = str(results[-1].data.get("inputSettings", {}).get(SENDER_SETTING, ""))
        if now != sender:
            raise ObsError(
                f"OBS did not take the new sender for {input_name!r}: it shows {now!r}",
                hint="check that the NDI plugin is loaded",
            )
        return NdiInput(input_name, now)

    def swap(self, first: str, second: str) -> tuple[NdiInput, NdiInput]:
        """Exchange the senders of two NDI inputs (e.g. speaker and screen share)."""
        current = {i.name: i.sender for i in self.inputs()}
        for name in (first, second):
            if name not in current:
                raise self._not_ndi(name, current)
        wanted = {first: current[second], second: current[first]}
        results = self.client.batch(
            [
                *(
                    Request(
                        "SetInputSettings",
                        {"inputName": n, "inputSettings": {SENDER_SETTING: s}, "overlay": True},
                    )
                    for n, s in wanted.items()
                ),
                *(Request("GetInputSettings", {"inputName": n}) for n in wanted),
            ],
            halt_on_failure=True,
        )  # one batch: never left with both inputs on the same sender
        for result in results:
            if not result.ok:
                raise result.error()
        now = [str(r.data.get("inputSettings", {}).get(SENDER_SETTING, "")) for r in results[2:]]
        if now != list(wanted.values()):
            raise ObsError(
                f"OBS did not take the swapped senders: it shows {now}",
                hint="check that the NDI plugin is loaded",
            )
        return NdiInput(first, now[0]), NdiInput(second, now[1])

    def _check_sender(self, input_name: str, sender: str) -> None:
        listing = self.senders(input_name)
        known = list(dict.fromkeys([*listing.senders, *self.fallback_senders]))
        if sender in known:
            return
        close = difflib.get_close_matches(sender, known, n=3, cutoff=0.5)
        offer = f"closest: {', '.join(close)}; " if close else ""
        if not listing.plugin:
            reason = "the NDI plugin is not loaded in OBS, so no sender can be seen"
            hint = f"install {PLUGIN} on the streaming PC and restart OBS; "
        elif listing.source == "config":
            reason = "no NDI sender has been discovered yet (the plugin refreshes every few s)"
            hint = "wait a few seconds and try again, or add the name to show.ndi_senders; "
        else:
            reason = "NDI does not see a sender by that name"
            hint = f"senders: {', '.join(listing.senders)}; "
        configured = " and show.ndi_senders does not name it" if self.fallback_senders else ""
        raise UsageError(
            f"not switching {input_name!r} to {sender!r}: {reason}{configured}",
            hint=f"{offer}{hint}--force switches anyway",
        )

    def _require_ndi_input(self, name: str) -> None:
        inputs = {
            i["inputName"]: i.get("inputKind", "")
            for i in self.client.request("GetInputList").get("inputs", [])
        }
        if inputs.get(name) != NDI_KIND:
            ndi = {n: "" for n, kind in inputs.items() if kind == NDI_KIND}
            raise self._not_ndi(name, ndi)

    @staticmethod
    def _not_ndi(name: str, ndi_inputs: dict[str, str]) -> UsageError:
        listed = ", ".join(ndi_inputs) or "none in this scene collection"
        return UsageError(f"{name!r} is not an NDI input", hint=f"NDI inputs: {listed}")
