"""The run of show names only scenes and inputs that exist in the live collection."""

from __future__ import annotations

import difflib

from streamkit.collection.kinds import unversioned_kind
from streamkit.doctor.core import CheckResult, DoctorContext, Skip, Status
from streamkit.obs.types import Request
from streamkit.show.ndi import NDI_KIND
from streamkit.show.settings import Segment

TEXT_KIND_PREFIX = "text_"  # text_ft2_source, text_gdiplus


def segment_problems(
    segments: list[Segment], scenes: list[str], kinds: dict[str, str]
) -> list[str]:
    """What each segment names that OBS does not have (`kinds`: input name -> unversioned kind)."""
    problems = []
    for number, segment in enumerate(segments, start=1):
        where = f"segment {number} {segment.title!r}"
        if segment.scene not in scenes:
            problems.append(
                f"{where}: scene {segment.scene!r} does not exist{_near(segment.scene, scenes)}"
            )
        for name in segment.ndi:
            if name not in kinds:
                problems.append(f"{where}: NDI input {name!r} does not exist{_near(name, kinds)}")
            elif kinds[name] != NDI_KIND:
                problems.append(f"{where}: {name!r} is a {kinds[name]}, not an NDI input")
        for name in segment.text:
            if name not in kinds:
                problems.append(f"{where}: text source {name!r} does not exist{_near(name, kinds)}")
            elif not kinds[name].startswith(TEXT_KIND_PREFIX):
                problems.append(f"{where}: {name!r} is a {kinds[name]}, not a text source")
    return problems


def _near(name: str, known: object) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)  # type: ignore[call-overload]
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def check_runofshow(ctx: DoctorContext) -> CheckResult:
    """Every segment's scene, NDI inputs and text sources are in OBS, with the right kinds."""
    segments = ctx.config.show.segments
    if not segments:
        raise Skip("not configured (no show.segments)")
    scene_list, input_list = ctx.obs().batch([Request("GetSceneList"), Request("GetInputList")])
    for answer in (scene_list, input_list):
        if not answer.ok:
            raise answer.error()
    scenes = [s["sceneName"] for s in scene_list.data.get("scenes", [])]
    kinds = {
        i["inputName"]: unversioned_kind(i.get("inputKind") or "")
        for i in input_list.data.get("inputs", [])
    }
    problems = segment_problems(segments, scenes, kinds)
    if not problems:
        return CheckResult(
            "show.runofshow",
            Status.PASS,
            f"{len(segments)} segment(s): every scene and source they name is in OBS",
        )
    return CheckResult(
        "show.runofshow",
        Status.FAIL,
        f"{len(problems)} thing(s) the run of show names are not in OBS: the segment would fail "
        "on air",
        "fix the names in show.segments of streamkit.yaml, or import the collection that has "
        "them (`streamkit obs import`)",
        details=problems,
    )
