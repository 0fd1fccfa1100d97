"""Our YAML format: lossless round trips with OBS JSON, concise output, line errors, schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from streamkit.collection.model import Collection, Input, Scene, SceneItem, Transform
from streamkit.collection.obsjson_read import parse_obs_json, read_obs_json
from streamkit.collection.obsjson_write import dump_obs_json
from streamkit.collection.yamlformat import (
    collection_json_schema,
    dump_yaml,
    parse_yaml,
    parse_yaml_with_lines,
    read_yaml,
    schema_text,
    write_yaml,
)
from streamkit.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "collections"
SCHEMA = ROOT / "schemas" / "scene-collection.schema.json"
SHIPPED = ROOT / "scenes" / "serverless-meetup.yaml"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("obs*.json")), ids=lambda p: p.stem)
def test_obs_json_to_yaml_and_back_is_lossless(path: Path) -> None:
    """OBS JSON -> model -> YAML -> model -> OBS JSON."""
    model = read_obs_json(path)
    json_text = dump_obs_json(model)
    again = parse_yaml(dump_yaml(model))
    assert again == model
    assert dump_obs_json(again) == json_text


@pytest.mark.parametrize("path", [SHIPPED, FIXTURES / "groups.yaml"], ids=lambda p: p.stem)
def test_yaml_to_obs_json_and_back_is_lossless(path: Path) -> None:
    model = read_yaml(path)
    assert parse_obs_json(dump_obs_json(model)) == model
    assert parse_yaml(dump_yaml(model)) == model


def test_defaults_are_left_out_and_bare_items_are_names() -> None:
    c = Collection(
        name="Tiny",
        inputs=[Input(name="Logo", kind="image_source", settings={"file": "./a.png"})],
        scenes=[
            Scene(
                name="Main",
                items=[
                    SceneItem(source="Logo"),
                    SceneItem(source="Logo", id=5, transform=Transform(positionX=10)),
                ],
            )
        ],
    )
    text = dump_yaml(c, schema_ref=None)
    assert yaml.safe_load(text) == {
        "name": "Tiny",
        "inputs": [{"name": "Logo", "kind": "image_source", "settings": {"file": "./a.png"}}],
        "scenes": [
            {
                "name": "Main",
                "items": ["Logo", {"source": "Logo", "transform": {"positionX": 10.0}, "id": 5}],
            }
        ],
    }
    assert dump_yaml(c).startswith(
        "# yaml-language-server: $schema=../schemas/scene-collection.schema.json\n"
    )


def test_multiline_text_is_a_literal_block(tmp_path: Path) -> None:
    c = Collection(
        name="T",
        inputs=[
            Input(
                name="Run of show",
                kind="text_gdiplus",
                settings={"text": "19:00 Intro\n19:10 Talk"},
            )
        ],
    )
    path = tmp_path / "c.yaml"
    write_yaml(c, path)
    assert "text: |-\n" in path.read_text(encoding="utf-8")
    assert read_yaml(path) == c


def _line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if marker in line)


def test_unknown_keys_and_wrong_types_give_file_line_and_field() -> None:
    text = (FIXTURES.parent / "lint" / "schema-error.yaml").read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        parse_yaml(text, "meetup.yaml")
    lines = str(info.value).splitlines()
    assert lines[0] == (
        f"meetup.yaml:{_line(text, 'colour')}: inputs.0.colour: unknown key (check its "
        "spelling and section)"
    )
    assert lines[1].startswith(
        f"meetup.yaml:{_line(text, 'positionX')}: scenes.0.items.0.transform.positionX: "
    )
    assert "valid number" in lines[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\nscenes:\n  - name: [unclosed\n", r"^c\.yaml:3: invalid YAML"),
        ("- just\n- a list\n", r"^c\.yaml:1: expected a mapping"),
        ("", r"^c\.yaml:1: expected a mapping"),
        ("name: x\ninputs:\n  - name: a\n", r"^c\.yaml:3: inputs\.0\.kind: required"),
        (
            "name: x\ninputs:\n  - {name: a, kind: k, volume: loud}\n",
            r"^c\.yaml:3: inputs\.0\.volume: expected a multiplier \(0\.5\) or decibels",
        ),
        (
            "name: x\ninputs:\n  - {name: a, kind: k, monitoring: LOUD}\n",
            r"^c\.yaml:3: inputs\.0\.monitoring: Input should be 'OBS_MONITORING_TYPE_NONE'",
        ),
        (
            "name: x\nscenes:\n  - name: S\n    items: [A, {source: B, id: 1}]\n",
            r"^c\.yaml:3: scenes\.0: .*ids repeat",
        ),
    ],
)
def test_invalid_yaml_gives_file_and_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        parse_yaml(text, "c.yaml")


def test_line_map_is_returned_for_later_checks() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    collection, lines = parse_yaml_with_lines(text, SHIPPED)
    index = next(i for i, s in enumerate(collection.scenes) if s.name == "Speaker + Slides")
    assert lines.line_of(("scenes", index)) == _line(text, "- name: Speaker + Slides")


def test_committed_schema_is_the_generated_one() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == collection_json_schema()
    assert SCHEMA.read_text(encoding="utf-8") == schema_text()


def test_schema_describes_the_yaml_shape() -> None:
    schema = collection_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    item = schema["$defs"]["Scene"]["properties"]["items"]["items"]
    assert {"type": "string"} in item["anyOf"]
    volume = schema["$defs"]["Input"]["properties"]["volume"]
    assert {"type": "string"} in volume["anyOf"]
    assert "positionX" in schema["$defs"]["Transform"]["properties"]


def test_the_shipped_setup() -> None:
    c = read_yaml(SHIPPED)
    assert [s.name for s in c.scenes] == [
        "Starting Soon",
        "Speaker",
        "Speaker + Slides",
        "Panel / Q&A",
        "Be Right Back",
        "Technical Difficulties",
        "Thanks for Watching",
        "Lower Third Overlay",
    ]
    assert c.current_scene == "Starting Soon"
    assert (c.canvas.width, c.canvas.height) == (1920, 1080)
    ndi = {i.name: i.settings["ndi_source_name"] for i in c.inputs if i.kind == "ndi_source"}
    assert set(ndi) == {"NDI Active Speaker", "NDI Screen Share"}
    assert all(name.startswith("${NDI_HOST} ") for name in ndi.values())
    audio = c.input("Call Audio")
    assert audio.filters[0].kind == "noise_suppress_filter"
    assert c.input("Countdown").kind == "text_gdiplus"
    assert c.input("Lower Third").kind == "text_gdiplus"
    speaker = c.scene("Speaker")
    full = next(i for i in speaker.items if i.source == "NDI Active Speaker").transform
    assert (full.boundsType, full.boundsWidth, full.boundsHeight) == (
        "OBS_BOUNDS_SCALE_INNER",
        1920,
        1080,
    )
    slides = [i.source for i in c.scene("Speaker + Slides").items]
    assert slides.index("NDI Screen Share") < slides.index("NDI Active Speaker")  # inset on top
    for name in ("Speaker", "Speaker + Slides", "Panel / Q&A"):
        assert "Call Audio" in [i.source for i in c.scene(name).items]
    for name in ("Starting Soon", "Be Right Back", "Technical Difficulties", "Thanks for Watching"):
        assert "Call Audio" not in [i.source for i in c.scene(name).items]
