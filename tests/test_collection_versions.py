"""The OBS version packed in a saved collection, and what an older OBS refuses."""

from __future__ import annotations

import pytest

from streamkit.collection.model import Collection
from streamkit.collection.versions import inserts_below_current, refuse_newer_file, saved_by
from streamkit.errors import UsageError


def saved(packed: int | None) -> Collection:
    return Collection(name="Show", obs_version=packed)


def test_prev_ver_unpacks_to_major_minor_patch():
    assert saved_by(saved(469827586)) == (28, 1, 2)
    assert saved_by(saved(536870913)) == (32, 0, 1)
    assert saved_by(saved(None)) is None


@pytest.mark.parametrize("running", ["32.0.1", "32.0.0", "32.2.2", "33.0.0"])
def test_same_or_older_minor_is_accepted(running):
    refuse_newer_file(saved(536870913), running)


@pytest.mark.parametrize("running", ["29.0.2", "31.1.2"])
def test_newer_file_is_refused_naming_both_versions(running):
    with pytest.raises(UsageError) as caught:
        refuse_newer_file(saved(536870913), running)
    assert "saved by OBS 32.0.1" in str(caught.value) and f"({running})" in str(caught.value)


def test_yaml_and_unknown_versions_are_not_refused():
    refuse_newer_file(saved(None), "29.0.2")
    refuse_newer_file(saved(536870913), "")


def test_obs_32_inserts_new_scenes_below_the_current_one():
    assert inserts_below_current("32.2.2") and not inserts_below_current("29.0.2")
    assert not inserts_below_current("")
