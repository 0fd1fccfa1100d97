"""The `show` section of streamkit.yaml: fallback scene, NDI sender names, the run of show."""

from __future__ import annotations

from pydantic import Field, model_validator

from streamkit.config_base import Section


class Segment(Section):
    """One part of the event: which scene, which NDI senders, which lower-third text."""

    title: str
    scene: str
    ndi: dict[str, str] = Field(default_factory=dict, description="NDI input name -> sender")
    text: dict[str, str] = Field(default_factory=dict, description="text input name -> text")
    notes: str = ""


class ShowSettings(Section):
    """How the show is run."""

    fallback_scene: str = Field(
        default="Technical Difficulties", description="scene shown when the stream is in trouble"
    )
    lower_third: str = Field(
        default="Lower Third", description="the text input `show text` writes to by default"
    )
    ndi_senders: list[str] = Field(
        default_factory=list,
        description="sender names to offer when the NDI plugin lists none yet",
    )
    segments: list[Segment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_titles(self) -> ShowSettings:
        seen: set[str] = set()
        for segment in self.segments:
            if segment.title in seen:
                raise ValueError(f"two segments are titled {segment.title!r}")
            seen.add(segment.title)
        return self
