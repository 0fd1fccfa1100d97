"""The NDI plugin is loaded in OBS and the senders the show expects are on the network."""

from __future__ import annotations

from streamkit.doctor.checks_obs import obs_status, version_tuple
from streamkit.doctor.core import CheckResult, DoctorContext, Skip, Status
from streamkit.obs.types import Request
from streamkit.show.ndi import NDI_KIND, NdiControl

DISTROAV_MIN_OBS = (31, 1)


def expected_senders(ctx: DoctorContext) -> list[str]:
    """show.ndi_senders, then the senders the run of show's segments put on screen."""
    show = ctx.config.show
    names = [*show.ndi_senders, *(s for seg in show.segments for s in seg.ndi.values())]
    return list(dict.fromkeys(names))


def _needing(live: list[str], wanted: list[str]) -> str:
    parts = []
    if live:
        parts.append(f"{len(live)} NDI input(s) in OBS show nothing")
    if wanted:
        parts.append(f"the collection's {', '.join(repr(w) for w in wanted)} cannot be created")
    return f" ({'; '.join(parts)})" if parts else ""


def check_ndi(ctx: DoctorContext) -> CheckResult:
    """`ndi_source` is a known input kind, and every expected sender is listed by the plugin."""
    client = ctx.obs()
    kinds, listing = client.batch(
        [
            Request("GetInputKindList", {"unversioned": False}),
            Request("GetInputList", {"inputKind": NDI_KIND}),
        ]
    )
    for answer in (kinds, listing):
        if not answer.ok:
            raise answer.error()
    inputs = [i["inputName"] for i in listing.data.get("inputs", [])]
    # inputs of the collection file that OBS could not create (obs.collection runs first)
    wanted = [u.input for u in ctx.facts.get("unavailable_inputs", []) if u.kind == NDI_KIND]
    expected = expected_senders(ctx)
    if not inputs and not wanted and not expected:
        raise Skip("not configured (no NDI inputs in OBS or the collection, no show.ndi_senders)")
    if NDI_KIND not in kinds.data.get("inputKinds", []):
        version = obs_status(ctx).obs_version
        upgrade = (
            f"; current DistroAV needs OBS >= 31.1 (this is {version})"
            if version_tuple(version) < DISTROAV_MIN_OBS
            else ""
        )
        return CheckResult(
            "obs.ndi",
            Status.FAIL,
            f"the NDI plugin is not loaded: input kind {NDI_KIND} is unknown to OBS"
            + _needing(inputs, wanted),
            "install DistroAV and the NDI runtime on the OBS machine (infra/ bootstrap does it), "
            f"then restart OBS{upgrade}",
        )
    if not inputs:
        return CheckResult(
            "obs.ndi",
            Status.WARN,
            "the NDI plugin is loaded, but no NDI input exists to receive the senders",
            "import the collection (`streamkit obs import`)",
        )
    listed = NdiControl(client).senders(inputs[0], attempts=3, interval=2.0)
    visible = listed.senders if listed.source == "obs" else []
    missing = [name for name in expected if name not in visible]
    if not visible and not missing:
        return CheckResult(
            "obs.ndi",
            Status.WARN,
            f"the NDI plugin is loaded, but lists no senders for {inputs[0]!r}",
            "start the senders (Zoom's NDI output, the camera PC) on the WorkSpace's network, "
            "and name them in show.ndi_senders so the doctor can check for them",
        )
    if missing:
        return CheckResult(
            "obs.ndi",
            Status.WARN,
            f"the NDI plugin is loaded; {len(missing)} expected sender(s) not visible: "
            + ", ".join(repr(m) for m in missing),
            "start those senders (Zoom's NDI output, the camera PC) on the WorkSpace's network; "
            "the plugin refreshes its list every 5 s",
            details=[f"visible: {', '.join(visible) or 'none'}"],
        )
    return CheckResult(
        "obs.ndi",
        Status.PASS,
        f"the NDI plugin is loaded; {len(visible)} sender(s) visible"
        + (f", all {len(expected)} expected ones among them" if expected else ""),
    )
