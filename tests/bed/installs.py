"""Where each tested OBS version lives: Debian's OBS on the host, OBS 32 in a Debian sid chroot."""

from __future__ import annotations

import os
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

VERSIONS_ENV = "STREAMKIT_OBS_VERSIONS"
DEFAULT_VERSIONS = "29"
OBS32_ROOT_ENV = "STREAMKIT_OBS32_ROOT"
DEFAULT_OBS32_ROOT = Path("/var/cache/streamkit/obs32")
# Written by tests/bed/build-obs32-chroot once the chroot is complete.
CHROOT_MARKER = ".streamkit-obs"
BUILD_HINT = "build it with `make obs32` (root, apt)"
CHECKOUT = Path(__file__).resolve().parents[2]


class TestBedUnavailable(RuntimeError):
    """OBS or nginx cannot run here; the message says why."""


def selected_versions() -> list[str]:
    """The OBS major versions the real-OBS tier runs on (STREAMKIT_OBS_VERSIONS, e.g. "29,32")."""
    text = os.environ.get(VERSIONS_ENV, "") or DEFAULT_VERSIONS
    versions = [part.strip() for part in text.split(",") if part.strip()]
    bad = [v for v in versions if not v.isdigit()]
    if bad or not versions:
        raise ValueError(f"{VERSIONS_ENV}={text!r}: expected OBS major versions such as 29,32")
    return list(dict.fromkeys(versions))


@dataclass(frozen=True)
class ObsInstall:
    """One OBS to start: the host's (`root` None) or the one inside a chroot."""

    version: str
    root: Path | None = None

    @classmethod
    def for_version(cls, version: str) -> ObsInstall:
        """OBS 32 comes from the chroot; any other version is the host's Debian package."""
        if version == "32":
            return cls(version, Path(os.environ.get(OBS32_ROOT_ENV) or DEFAULT_OBS32_ROOT))
        return cls(version)

    @property
    def label(self) -> str:
        return f"obs{self.version}"

    @property
    def temp_parent(self) -> str | None:
        """Where a throwaway HOME must live: /tmp is the folder shared with the chroot."""
        return "/tmp" if self.root else None

    def check(self) -> None:
        """Raise TestBedUnavailable with the reason this OBS cannot start here."""
        if self.root is None:
            missing = [p for p in ("obs", "xvfb-run", "Xvfb", "xauth") if shutil.which(p) is None]
            if missing:
                raise TestBedUnavailable(
                    f"not installed: {', '.join(missing)} (run `make system-deps`)"
                )
            return
        if not (self.root / CHROOT_MARKER).is_file():
            raise TestBedUnavailable(f"no OBS {self.version} chroot at {self.root}: {BUILD_HINT}")
        if os.geteuid() != 0 or shutil.which("unshare") is None:
            raise TestBedUnavailable(
                f"OBS {self.version} runs in a chroot, which needs root and unshare(1)"
            )

    def command(self, home: Path, argv: list[str]) -> list[str]:
        """`argv` run in `home`: directly, or in the chroot inside a private mount namespace
        (its bind mounts vanish with the last process, however the run ends). The chroot sees
        the host's /tmp (HOME and pytest's tmp_path live there) and this checkout."""
        if self.root is None:
            return argv
        root, inside = shlex.quote(str(self.root)), shlex.quote(f"{self.root}{CHECKOUT}")
        mounts = " && ".join(
            [f"mount --rbind /{d} {root}/{d}" for d in ("proc", "dev", "sys")]
            + [f"mount --bind /tmp {root}/tmp"]
            # the checkout at its own path, read-only: collections name assets in it
            + [f"mkdir -p {inside}", f"mount -o bind,ro {shlex.quote(str(CHECKOUT))} {inside}"]
            + ['exec "$@"']
        )
        return [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            mounts,
            "sh",
            "chroot",
            str(self.root),
            "env",
            f"--chdir={home}",
            *argv,
        ]
