"""WorkSpaces bundles: the GPU bundles a region offers, and bundle names resolved to ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streamkit.aws.errors import AwsActionFailed, aws_call
from streamkit.errors import ConfigError

_NON_WINDOWS = ("ubuntu", "linux", "rocky", "red hat")


@dataclass(frozen=True)
class Bundle:
    """One bundle as DescribeWorkspaceBundles reports it."""

    bundle_id: str
    name: str
    compute_type: str
    root_gib: int | None = None
    user_gib: int | None = None
    description: str = ""

    @property
    def is_gpu(self) -> bool:
        return self.compute_type.startswith("GRAPHICS")

    @property
    def is_windows(self) -> bool:
        return not any(word in self.name.lower() for word in _NON_WINDOWS)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Bundle:
        return cls(
            bundle_id=data["BundleId"],
            name=data.get("Name", ""),
            compute_type=data.get("ComputeType", {}).get("Name", "UNKNOWN"),
            root_gib=_capacity(data.get("RootStorage")),
            user_gib=_capacity(data.get("UserStorage")),
            description=data.get("Description", ""),
        )


def _capacity(storage: dict[str, str] | None) -> int | None:
    try:
        return int(storage["Capacity"]) if storage else None
    except (KeyError, ValueError):
        return None


def amazon_bundles(client: Any) -> list[Bundle]:
    """Every bundle Amazon offers in the client's region (all pages)."""
    bundles: list[Bundle] = []
    with aws_call("DescribeWorkspaceBundles"):
        for page in client.get_paginator("describe_workspace_bundles").paginate(Owner="AMAZON"):
            bundles.extend(Bundle.from_api(b) for b in page.get("Bundles", []))
    return bundles


def gpu_bundles(client: Any) -> list[Bundle]:
    """The GPU (Graphics*) bundles offered in the client's region, sorted by name."""
    return sorted((b for b in amazon_bundles(client) if b.is_gpu), key=lambda b: b.name)


def bundle_by_id(client: Any, bundle_id: str) -> Bundle | None:
    """One bundle by id, or None when the region has no such bundle."""
    with aws_call("DescribeWorkspaceBundles"):
        found = client.describe_workspace_bundles(BundleIds=[bundle_id]).get("Bundles", [])
    return Bundle.from_api(found[0]) if found else None


def compute_type_of(name: str) -> str:
    """`Graphics.g4dn` (or `Graphics.g4dn with Windows ...`) -> `GRAPHICS_G4DN`, as the API says."""
    words = name.split()
    return (words[0] if words else "").upper().replace(".", "_").replace("-", "_")


def resolve_bundle(client: Any, wanted: str, region: str) -> Bundle:
    """The bundle meant by `wanted`: an id, an exact bundle name, or a compute type name.

    A compute type offered by several bundles resolves to its only Windows bundle; otherwise
    the choices are listed so that the config can name one.
    """
    if wanted.startswith("wsb-"):
        bundle = bundle_by_id(client, wanted)
        if bundle is None:
            raise AwsActionFailed(
                f"bundle {wanted} does not exist in {region}",
                hint="bundle ids differ per region: run `streamkit workspace bundles`",
            )
        return bundle
    offered = amazon_bundles(client)
    exact = [b for b in offered if b.name.lower() == wanted.lower()]
    if exact:
        return exact[0]
    same_type = [b for b in offered if b.compute_type == compute_type_of(wanted)]
    windows = [b for b in same_type if b.is_windows]
    if len(same_type) == 1 or len(windows) == 1:
        return same_type[0] if len(same_type) == 1 else windows[0]
    if same_type:
        names = "; ".join(f"{b.name} ({b.bundle_id})" for b in same_type)
        raise ConfigError(
            f"workspace.bundle: {wanted!r} matches several bundles in {region}: {names}",
            hint="set workspace.bundle to one of these names or ids",
        )
    gpus = ", ".join(sorted({b.name for b in offered if b.is_gpu})) or "none"
    raise AwsActionFailed(
        f"bundle {wanted!r} is not offered in {region} (GPU bundles there: {gpus})",
        hint="choose another region or bundle; `streamkit workspace bundles` lists them",
    )
