"""OBS as code: the live scene collection and profile match git, and a stream key is set."""

from __future__ import annotations

from streamkit.doctor.core import CheckResult, DoctorContext, Skip, Status
from streamkit.errors import ConfigError

MAX_DETAILS = 12


def check_collection(ctx: DoctorContext) -> CheckResult:
    """`obs plan` against the collection file shows no changes."""
    from streamkit.collection.importer import Importer
    from streamkit.collection.preflight import load_collection
    from streamkit.show.owned import show_owned_settings

    configured = ctx.config.obs.collection
    if configured is None:
        raise Skip("not configured (obs.collection)")
    path = ctx.config.path(configured)
    desired = load_collection(path, ctx.config.variables)
    owned = show_owned_settings(ctx.config.show, [ctx.config.chat.source])
    plan, report = Importer(ctx.obs(), desired, skip_unavailable=True, owned=owned).plan()
    ctx.facts["unavailable_inputs"] = report.unavailable
    if plan.empty:
        note = f" ({len(report.unavailable)} input(s) need a plugin: see obs.ndi)"
        return CheckResult(
            "obs.collection",
            Status.PASS,
            f"live collection {desired.name!r} matches {configured} (0 changes)"
            + (note if report.unavailable else ""),
        )
    lines = plan.lines()
    shown = lines[: MAX_DETAILS - 1] + (
        [f"... and {len(lines) - MAX_DETAILS + 1} more"] if len(lines) > MAX_DETAILS else []
    )
    return CheckResult(
        "obs.collection",
        Status.WARN,
        f"{plan.summary()} to match {configured}",
        f"review with `streamkit obs plan`, then `streamkit obs import`; to see what OBS has "
        f"that the file lacks, compare: `streamkit obs export -o /tmp/live{configured.suffix}` "
        f"and `diff {configured} /tmp/live{configured.suffix}`",
        details=shown,
    )


def _stream_key(ctx: DoctorContext) -> str | None:
    ref = ctx.config.obs.stream_key
    if ref is None:
        return None
    try:
        return ref.resolve()
    except ConfigError:
        return None  # reported by config.secrets


def check_profile(ctx: DoctorContext) -> CheckResult:
    """The live profile's video, output, encoder and stream-service settings are those of the
    folder. A difference in how the stream is encoded (output mode, encoder, bitrates, preset)
    FAILs; encoder settings obs-websocket cannot read are never reported as matching."""
    from streamkit.collection.encoder import ENCODER_PARAMETERS, unverifiable_encoder
    from streamkit.collection.profile import plan_profile, read_profile

    configured = ctx.config.obs.profile
    if configured is None:
        raise Skip("not configured (obs.profile)")
    files = read_profile(ctx.config.path(configured))
    plan = plan_profile(ctx.obs(), files, _stream_key(ctx))
    fix = "run `streamkit obs profile import` (not while streaming)"
    encoding = [
        f"[{data['parameterCategory']}] {data['parameterName']} should be {data['parameterValue']}"
        for request in plan.requests
        if request.request_type == "SetProfileParameter"
        and ((data := request.data or {})["parameterCategory"], data["parameterName"])
        in ENCODER_PARAMETERS
    ]
    if plan.switch or encoding:
        what = (
            f"OBS runs another profile than {files.name!r}"
            if plan.switch
            else f"profile {files.name!r} encodes the stream differently from {configured}"
        )
        return CheckResult(
            "obs.profile",
            Status.FAIL,
            f"{what}: the stream would not have the profile's encoder and bitrate",
            fix,
            details=(encoding or plan.describe())[:MAX_DETAILS],
        )
    unverifiable = unverifiable_encoder(files)
    if plan.changes:
        return CheckResult(
            "obs.profile",
            Status.WARN,
            f"profile {files.name!r}: {plan.changes} setting(s) differ from {configured}",
            fix,
            details=plan.describe()[:MAX_DETAILS],
        )
    if unverifiable:
        return CheckResult(
            "obs.profile",
            Status.WARN,
            f"profile {files.name!r} matches {configured} in basic.ini, but its bitrate is "
            f"unverified: {unverifiable}",
            "use Simple output mode in the profile (every encoder key is then checked), or "
            "measure the bitrate with `streamkit doctor --rehearse`",
        )
    return CheckResult(
        "obs.profile",
        Status.PASS,
        f"profile {files.name!r} matches {configured}, encoder settings included (0 changes)",
    )


def check_stream_key(ctx: DoctorContext) -> CheckResult:
    """OBS has a stream key, and it is the one obs.stream_key refers to (never shown)."""
    live = ctx.obs().request("GetStreamServiceSettings")
    service = live.get("streamServiceType", "?")
    settings = live.get("streamServiceSettings") or {}
    label = settings.get("service") or service
    live_key = settings.get("key") or settings.get("bearer_token") or ""
    ref = ctx.config.obs.stream_key
    if not live_key:
        return CheckResult(
            "obs.stream_key",
            Status.FAIL,
            f"OBS has no stream key ({label}): the service will refuse the stream",
            "run `streamkit obs profile import` to set it from obs.stream_key"
            if ref is not None
            else "set obs.stream_key to a secret reference (env:STREAM_KEY or ssm:/path) and "
            "run `streamkit obs profile import`",
        )
    if ref is None:
        return CheckResult(
            "obs.stream_key",
            Status.PASS,
            f"a stream key is set in OBS ({label}); obs.stream_key is not set, so streamkit "
            "leaves it as it is",
        )
    wanted = _stream_key(ctx)
    if wanted is None:
        raise Skip(f"{ref.ref} cannot be resolved (see config.secrets)")
    if wanted != live_key:
        return CheckResult(
            "obs.stream_key",
            Status.WARN,
            f"the stream key in OBS ({label}) is not the one {ref.ref} holds",
            "run `streamkit obs profile import` to set it (or fix the secret)",
        )
    return CheckResult(
        "obs.stream_key", Status.PASS, f"the stream key from {ref.ref} is set in OBS ({label})"
    )
