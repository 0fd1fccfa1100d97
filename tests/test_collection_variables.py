"""`${VAR}` expansion in collection settings, from the config or the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamkit.collection.model import Collection, Filter, Input, Transition
from streamkit.collection.variables import expand, expand_text, references, used_variables
from streamkit.collection.yamlformat import read_yaml
from streamkit.errors import ConfigError

SHIPPED = Path(__file__).resolve().parent.parent / "scenes" / "serverless-meetup.yaml"


def test_references_and_escapes() -> None:
    assert references("${A} and ${B_2} and $${C} and $5") == ["A", "B_2"]
    assert expand_text("${HOST} (Zoom)", {"HOST": "PC"}) == "PC (Zoom)"
    assert expand_text("$${HOST} costs $5", {}) == "${HOST} costs $5"
    for bad in ("${HOST", "${2X}", "${}", "${A B}"):
        with pytest.raises(ValueError, match="malformed"):
            references(bad)


def test_shipped_collection_expands_ndi_host_from_config_or_environment() -> None:
    c = read_yaml(SHIPPED)
    assert used_variables(c) == {"NDI_HOST"}
    from_config = expand(c, {"NDI_HOST": "MEETUP-PC"}, environ={})
    assert from_config.input("NDI Screen Share").settings["ndi_source_name"] == (
        "MEETUP-PC (Zoom - Screen Share)"
    )
    from_env = expand(c, {"NDI_HOST": "MEETUP-PC"}, environ={"NDI_HOST": "STUDIO"})
    assert from_env.input("NDI Active Speaker").settings["ndi_source_name"] == (
        "STUDIO (Zoom - Active Speaker)"
    )
    assert c.input("NDI Active Speaker").settings["ndi_source_name"].startswith("${NDI_HOST}")


def test_expansion_reaches_filters_transitions_and_nested_settings() -> None:
    c = Collection(
        name="c",
        inputs=[
            Input(
                name="A",
                kind="k",
                settings={"list": [{"value": "${DIR}/a.png"}]},
                filters=[Filter(name="f", kind="k", settings={"x": "${X}"})],
            )
        ],
        transitions=[
            Transition(name="T", kind="obs_stinger_transition", settings={"path": "${DIR}/s.webm"})
        ],
    )
    out = expand(c, {"DIR": "/srv", "X": "1"}, environ={})
    assert out.input("A").settings == {"list": [{"value": "/srv/a.png"}]}
    assert out.input("A").filters[0].settings == {"x": "1"}
    assert out.transitions[0].settings == {"path": "/srv/s.webm"}


def test_missing_variables_are_named() -> None:
    c = read_yaml(SHIPPED)
    with pytest.raises(ConfigError, match="not set: NDI_HOST") as info:
        expand(c, {}, environ={"OTHER": "x"})
    assert "export NDI_HOST=" in str(info.value)


def test_malformed_reference_is_a_config_error() -> None:
    c = Collection(name="c", inputs=[Input(name="A", kind="k", settings={"s": "${OOPS"})])
    with pytest.raises(ConfigError, match="malformed variable reference"):
        expand(c, {}, environ={})
