"""The bundle catalogue of the fake WorkSpaces: GPU and other bundles, with ids per region."""

from __future__ import annotations

import hashlib
from typing import Any

G6_REGIONS = {"us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "ap-northeast-1"}

# (name, compute type, root GiB, user GiB, regions or None for all)
CATALOGUE = [
    ("Value with Windows Server 2022", "VALUE", 80, 10, None),
    ("Standard with Windows Server 2022", "STANDARD", 80, 50, None),
    ("Performance with Windows Server 2022", "PERFORMANCE", 80, 100, None),
    ("Power with Windows Server 2022", "POWER", 175, 100, None),
    ("Power with Windows 10 (Server 2019 based)", "POWER", 175, 100, None),
    ("Standard with Amazon Linux 2", "STANDARD", 80, 50, None),
    ("Graphics.g4dn with Windows Server 2022", "GRAPHICS_G4DN", 100, 100, None),
    ("Graphics.g4dn with Ubuntu 22.04", "GRAPHICS_G4DN", 100, 100, None),
    ("GraphicsPro.g4dn with Windows Server 2022", "GRAPHICSPRO_G4DN", 100, 100, None),
    ("Graphics.g6.xlarge with Windows Server 2022", "GRAPHICS_G6_XLARGE", 100, 100, G6_REGIONS),
    ("Graphics.g6.2xlarge with Windows Server 2022", "GRAPHICS_G6_2XLARGE", 100, 100, G6_REGIONS),
]


def bundle_id(region: str, name: str) -> str:
    """Bundle ids differ per region, as in AWS."""
    return "wsb-" + hashlib.sha256(f"{region}/{name}".encode()).hexdigest()[:9]


def catalogue(region: str) -> list[dict[str, Any]]:
    out = []
    for name, compute, root, user, regions in CATALOGUE:
        if regions is None or region in regions:
            out.append(
                {
                    "BundleId": bundle_id(region, name),
                    "Name": name,
                    "Owner": "AMAZON",
                    "Description": f"{name} bundle",
                    "ImageId": "wsi-" + bundle_id(region, name)[4:],
                    "RootStorage": {"Capacity": str(root)},
                    "UserStorage": {"Capacity": str(user)},
                    "ComputeType": {"Name": compute},
                    "State": "AVAILABLE",
                    "BundleType": "REGULAR",
                    "CreationTime": 1_700_000_000,
                }
            )
    return out
