"""A picked question on the lower third: wrapping (pure), then on the simulator and real OBS."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.show.control import ShowControl
from streamkit.show.question import ELLIPSIS, QuestionDisplay, chars_per_line, format_question
from streamkit.simulator.server import SimulatorThread

TEXT_KIND = "text_ft2_source_v2"  # FreeType text: the text source of OBS on Linux


def test_the_template_is_filled_and_wrapped():
    text = format_question(
        "{author} ({role}): {text}",
        author="Ada",
        text="How do you keep the stream key out of git?",
        role="vip",
        width=20,
        max_lines=5,
    )
    assert text.split("\n") == ["Ada (vip): How do", "you keep the stream", "key out of git?"]


def test_too_many_lines_end_in_an_ellipsis():
    text = format_question("{text}", author="", text="word " * 40, width=12, max_lines=2)
    lines = text.split("\n")
    assert len(lines) == 2 and lines[-1].endswith(ELLIPSIS) and len(lines[-1]) <= 12


def test_chat_text_is_never_a_template_or_markup():
    text = format_question(
        "{author}: {text}",
        author="{text}",
        text="{author.__class__} [b]x[/b]",
        width=80,
        max_lines=3,
    )
    assert text == "{text}: {author.__class__} [b]x[/b]"


def test_a_long_word_is_broken_to_fit():
    text = format_question("{text}", author="", text="x" * 25, width=10, max_lines=3)
    assert text.split("\n") == ["x" * 10, "x" * 10, "x" * 5]


def test_characters_per_line_from_the_source_or_the_canvas():
    gdi = {"font": {"size": 40}, "extents": True, "extents_cx": 880}
    assert chars_per_line(gdi, 1920) == 40
    assert chars_per_line({**gdi, "extents": False}, 1920) == int(0.9 * 1920 / 22)
    assert chars_per_line({"font": {"size": 48}, "custom_width": 792}, 1280) == 30
    assert chars_per_line({"font": {"size": 512}}, 1280) == 10  # never fewer than 10


@pytest.fixture
def obs_backend(obs_version: str, request: pytest.FixtureRequest) -> Iterator[ObsClient]:
    """The simulator, or the session's real OBS, as a connected client."""
    if obs_version == "simulator":
        with (
            SimulatorThread(password="sim-pw") as sim,
            ObsClient(sim.host, sim.port, "sim-pw") as client,
        ):
            yield client
        return
    obs = request.getfixturevalue("real_obs")
    with ObsClient(obs.host, obs.port, obs.password) as client:
        yield client


@pytest.fixture
def text_source(obs_backend: ObsClient) -> Iterator[str]:
    """A FreeType text input 792 px wide in 48 px type (and a colour source beside it), in a
    scene of its own; removed after."""
    tag = uuid.uuid4().hex[:8]
    scene, name = f"question-test-{tag}", f"Question Third {tag}"
    obs_backend.request("CreateScene", {"sceneName": scene})
    obs_backend.request(
        "CreateInput",
        {
            "sceneName": scene,
            "inputName": name,
            "inputKind": TEXT_KIND,
            "inputSettings": {
                "text": "Welcome",
                "font": {"face": "Sans Serif", "size": 48, "style": "Regular", "flags": 0},
                "custom_width": 792,
                "word_wrap": False,
            },
        },
    )
    colour = name.replace("Third", "Colour")  # a source that is not text
    obs_backend.request(
        "CreateInput", {"sceneName": scene, "inputName": colour, "inputKind": "color_source_v3"}
    )
    yield name
    obs_backend.request("RemoveInput", {"inputName": colour})
    obs_backend.request("RemoveInput", {"inputName": name})
    obs_backend.request("RemoveScene", {"sceneName": scene})


def test_a_question_goes_on_the_text_source_wrapped_and_comes_off(obs_backend, text_source):
    control = ShowControl(obs_backend)
    display = QuestionDisplay(control, text_source, "{author}: {text}", max_lines=3)
    assert display.width() == 30  # 792 px / (48 px x 0.55)
    shown = display.show("ByteBert", "Does the fallback scene kick in when the uplink drops?")
    assert shown == "ByteBert: Does the fallback\nscene kick in when the uplink\ndrops?"
    assert control.get_text(text_source) == shown
    settings = obs_backend.request("GetInputSettings", {"inputName": text_source})["inputSettings"]
    assert settings["font"]["size"] == 48  # the other settings are kept
    display.clear()
    assert control.get_text(text_source) == ""


def test_a_fixed_width_from_the_config_wins(obs_backend, text_source):
    display = QuestionDisplay(ShowControl(obs_backend), text_source, "{text}", wrap_chars=12)
    assert display.show("Ada", "one two three four") == "one two\nthree four"


def test_only_text_sources_and_known_ones(obs_backend, text_source):
    control = ShowControl(obs_backend)
    with pytest.raises(UsageError) as caught:
        QuestionDisplay(control, "No Such Source").show("Ada", "hi")
    assert "no input named 'No Such Source'" in str(caught.value)
    assert text_source in str(caught.value)  # the inputs there are
    with pytest.raises(UsageError) as caught:
        QuestionDisplay(control, text_source.replace("Third", "Colour")).clear()
    assert "is not a text source" in str(caught.value)


@pytest.mark.real_obs
def test_the_show_collections_lower_third_on_real_obs(show_obs):
    """The default chat.source, as tests/fixtures/obs/show-test.json has it: FreeType text with
    only its text set, so the width comes from OBS's own default font size and the canvas."""
    with ObsClient(show_obs.host, show_obs.port, show_obs.password) as client:
        control = ShowControl(client)
        before = control.get_text("Lower Third")
        kind = client.request("GetInputSettings", {"inputName": "Lower Third"})["inputKind"]
        defaults = client.request("GetInputDefaultSettings", {"inputKind": kind})
        size = defaults["defaultInputSettings"]["font"]["size"]
        canvas = client.request("GetVideoSettings")["baseWidth"]
        display = QuestionDisplay(control, "Lower Third", max_lines=4)
        assert display.width() == chars_per_line({"font": {"size": size}}, canvas)
        try:
            shown = display.show("Ada", "How do you keep the stream key out of git?")
            assert control.get_text("Lower Third") == shown
            assert all(len(line) <= display.width() for line in shown.split("\n"))
            display.clear()
            assert control.get_text("Lower Third") == ""
        finally:
            control.set_text("Lower Third", before)
