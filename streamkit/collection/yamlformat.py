"""Read and write scene collections as concise YAML (defaults left out, items by source name).

The YAML is the model's own shape, so `schemas/scene-collection.schema.json` (generated from
the model: `python -m streamkit.collection.yamlformat > schemas/scene-collection.schema.json`) gives
editors completion. Scene items are listed bottom to top; an item with nothing but its source
is written as the source's name. `volume` is a multiplier (1.0 = 0 dB) and also accepts
decibels written as a string ('-6 dB'). `./` paths are relative to the YAML file's folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from streamkit.collection.model import Collection
from streamkit.config_base import yaml_to_model
from streamkit.textfile import read_text
from streamkit.yamlpos import LineMap

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_TITLE = "streamkit scene collection"
DEFAULT_SCHEMA_REF = "../schemas/scene-collection.schema.json"


class _Dumper(yaml.SafeDumper):
    """Block style, no anchors, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def collection_to_data(collection: Collection) -> dict[str, Any]:
    """The YAML document as plain data: defaults left out, bare items as source names."""
    data = collection.model_dump(mode="json", exclude_defaults=True)
    for scene in [*data.get("scenes", []), *data.get("groups", [])]:
        if "items" in scene:
            scene["items"] = [
                item["source"] if set(item) == {"source"} else item for item in scene["items"]
            ]
    return data


def dump_yaml(collection: Collection, *, schema_ref: str | None = DEFAULT_SCHEMA_REF) -> str:
    """The collection as YAML text, with an editor modeline pointing at the schema."""
    body = yaml.dump(
        collection_to_data(collection),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    header = f"# yaml-language-server: $schema={schema_ref}\n" if schema_ref else ""
    return header + body


def write_yaml(
    collection: Collection, path: Path | str, *, schema_ref: str | None = DEFAULT_SCHEMA_REF
) -> None:
    """Write the collection as a YAML file."""
    Path(path).write_text(dump_yaml(collection, schema_ref=schema_ref), encoding="utf-8")


def parse_yaml_with_lines(text: str, path: Path | str) -> tuple[Collection, LineMap]:
    """Validate YAML text; errors are ConfigError lines `file:line: field: what was expected`."""
    return yaml_to_model(
        text,
        path,
        Collection,
        shape="expected a mapping with name, inputs, scenes, ...",
        empty_ok=False,
    )


def parse_yaml(text: str, path: Path | str = "<collection>") -> Collection:
    """Validate YAML text into a collection."""
    return parse_yaml_with_lines(text, path)[0]


def read_yaml(path: Path | str, *, resolve_assets: bool = False) -> Collection:
    """Read a YAML collection; with resolve_assets, `./` paths become absolute under the
    file's folder."""
    path = Path(path)
    collection = parse_yaml(read_text(path), path)
    return collection.with_assets_resolved(path.parent) if resolve_assets else collection


def collection_json_schema() -> dict[str, Any]:
    """The JSON Schema of the YAML format, generated from the model."""
    schema = Collection.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, "title": SCHEMA_TITLE, **schema}


def schema_text() -> str:
    """The schema as committed in schemas/scene-collection.schema.json."""
    return json.dumps(collection_json_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
