"""Test bed: OBS headless under Xvfb (host or chroot), and an nginx RTMP server on loopback."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import obsws_python

import streamkit.obs  # noqa: F401  (filters the driver's password logging)
from tests.bed.installs import VERSIONS_ENV, ObsInstall, TestBedUnavailable, selected_versions

__all__ = ["ObsInstall", "TestBedUnavailable", "selected_versions"]

REQUIRE_ENV = "STREAMKIT_REQUIRE_REAL_OBS"
RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
# A collection with ndi_source inputs, which OBS keeps from a file even without the plugin
SHOW_COLLECTION = Path(__file__).parent / "fixtures" / "obs" / "show-test.json"

# Every password handed out in this run; the session checks none of them reached a log.
ISSUED_SECRETS: list[str] = []
# OBS 31 and later log this when sources of the collection being left are still referenced;
# the frontend then refuses to load another collection (a modal "source leak" message nobody
# can close under Xvfb). The bed's OBS 32.2.2 does it on one collection switch in five to ten,
# with obs-websocket alone (no streamkit involved); OBS 29 never has.
SOURCE_LEAK = "Not all sources were cleared when clearing scene data"


def unavailable(reason: str) -> None:
    """Skip the test (fail it under STREAMKIT_REQUIRE_REAL_OBS=1): the test bed cannot run."""
    import pytest

    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"real OBS test bed required ({REQUIRE_ENV}=1) but unavailable: {reason}")
    pytest.skip(f"real OBS test bed unavailable: {reason}")


def start_obs(version: str, **options) -> ObsProcess:
    """Start OBS `version` for a test, or skip/fail with the reason it cannot run."""
    obs = ObsProcess(version=version, **options)
    try:
        return obs.start()
    except TestBedUnavailable as exc:
        obs.cleanup()
        unavailable(str(exc))
        raise


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ObsProcess:
    """One OBS instance with a throwaway HOME, its websocket on `port` with a random password.
    `version` "32" runs in the chroot of tests/bed/build-obs32-chroot; others are the host's."""

    def __init__(
        self,
        *,
        version: str = "29",
        port: int | None = None,
        collection_file: Path | None = None,
        home: Path | None = None,
        wait_loaded: bool = True,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.password = secrets.token_urlsafe(12)
        ISSUED_SECRETS.append(self.password)
        self.install = ObsInstall.for_version(version)
        self.version = version
        self.home = home or Path(
            tempfile.mkdtemp(prefix="streamkit-obs-", dir=self.install.temp_parent)
        )
        self._own_home = home is None
        self.collection_file = collection_file
        self.wait_loaded = wait_loaded
        self.process: subprocess.Popen | None = None
        self.stdout_path = self.home / "obs-stdout.log"

    @property
    def config_dir(self) -> Path:
        return self.home / ".config" / "obs-studio"

    def write_config(self) -> None:
        """global.ini for OBS 29 (websocket 5.1), config.json for OBS 30+ (websocket 5.5+), and
        user.ini, where OBS 31+ read [General] and [Basic]. No LastVersion: OBS 32 would take an
        older one for an upgrade and keep its websocket closed."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        lines = [
            "[General]",
            "FirstRun=true",
            "",
            "[OBSWebSocket]",
            "ServerEnabled=true",
            f"ServerPort={self.port}",
            "AuthRequired=true",
            f"ServerPassword={self.password}",
            "AlertsEnabled=false",
            "FirstLoad=false",
            "",
            "[BasicWindow]",
            "PreviewEnabled=false",  # nobody looks: spare software GL the preview's drawing
            "",
        ]
        if self.collection_file is not None:
            scenes = self.config_dir / "basic" / "scenes"
            scenes.mkdir(parents=True, exist_ok=True)
            target = scenes / self.collection_file.name
            shutil.copy(self.collection_file, target)
            name = json.loads(target.read_text()).get("name", target.stem)
            lines += [
                "[Basic]",
                f"SceneCollection={name}",
                f"SceneCollectionFile={target.stem}",
                "",
            ]
        (self.config_dir / "global.ini").write_text("\n".join(lines))
        (self.config_dir / "user.ini").write_text("\n".join(lines))
        plugin = self.config_dir / "plugin_config" / "obs-websocket"
        plugin.mkdir(parents=True, exist_ok=True)
        (plugin / "config.json").write_text(
            json.dumps(
                {
                    "server_enabled": True,
                    "server_port": self.port,
                    "auth_required": True,
                    "server_password": self.password,
                    "alerts_enabled": False,
                    "first_load": False,
                }
            )
        )

    def start(self, timeout: float = 60.0) -> ObsProcess:
        self.install.check()
        self.write_config()
        env = {
            **os.environ,
            "HOME": str(self.home),
            "LIBGL_ALWAYS_SOFTWARE": "1",
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "QT_QPA_PLATFORM": "xcb",
        }
        with open(self.stdout_path, "ab") as out:
            self.process = subprocess.Popen(
                self.install.command(
                    self.home,
                    [
                        "xvfb-run",
                        "-a",
                        "-s",
                        "-screen 0 1280x720x24",
                        "obs",
                        "--disable-shutdown-check",
                        "--minimize-to-tray",
                        "--multi",
                    ],
                ),
                env=env,
                cwd=self.home,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise TestBedUnavailable(
                    f"OBS exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                client = obsws_python.ReqClient(
                    host=self.host, port=self.port, password=self.password, timeout=3
                )
                try:
                    if not self.wait_loaded:
                        return  # the websocket is open; OBS 32 may still be loading (207)
                    running = client.get_version().obs_version  # 207 while OBS 32 loads
                    client.get_scene_collection_list()
                finally:
                    client.disconnect()
                break
            except Exception as exc:  # still starting
                last = f"{type(exc).__name__}"
                time.sleep(0.3)
        else:
            self.stop()
            raise TestBedUnavailable(
                f"OBS did not open its websocket in {timeout:g} s ({last}):\n{self.log_tail()}"
            )
        if running.split(".")[0] != self.version:
            self.stop()
            where = self.install.root or "this machine"
            raise TestBedUnavailable(
                f"asked for OBS {self.version}, but {where} has OBS {running} "
                f"(set {VERSIONS_ENV} to the versions there are)"
            )

    def stop(self, timeout: float = 10.0) -> None:
        """Quit OBS (and its Xvfb); kill what does not go."""
        if self.process is None:
            return
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        _signal_group(self.process.pid, signal.SIGKILL)  # stray children of xvfb-run
        self.process = None

    def kill(self) -> None:
        """Crash OBS: SIGKILL, no goodbye to its clients."""
        if self.process is not None:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
            self.process = None

    def cleanup(self) -> None:
        self.stop()
        if self._own_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def log_tail(self, lines: int = 60) -> str:
        """The end of OBS's own log (its logs folder) and of its stdout."""
        parts = []
        logs = sorted((self.config_dir / "logs").glob("*.txt"), key=lambda p: p.stat().st_mtime)
        for path in [*logs[-1:], self.stdout_path]:
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} ---\n" + "\n".join(text))
        return "\n".join(parts).replace(self.password, "***")

    def source_leaks(self) -> int:
        """How often OBS has logged SOURCE_LEAK so far."""
        logs = (self.config_dir / "logs").glob("*.txt")
        return sum(path.read_text(errors="replace").count(SOURCE_LEAK) for path in logs)

    def scene_collection_files(self) -> list[Path]:
        return sorted((self.config_dir / "basic" / "scenes").glob("*.json"))


class RtmpServer:
    """nginx with the RTMP module, on a free loopback port; `url` is the stream target."""

    def __init__(self) -> None:
        self.port = free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="streamkit-rtmp-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"rtmp://127.0.0.1:{self.port}/live"

    def start(self, timeout: float = 10.0) -> RtmpServer:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists() or not RTMP_MODULE.exists():
            raise TestBedUnavailable(
                "nginx with libnginx-mod-rtmp is not installed (run `make system-deps`)"
            )
        (self.prefix / "logs").mkdir()
        conf = self.prefix / "nginx.conf"
        conf.write_text(f"""
load_module {RTMP_MODULE};
daemon off;
master_process on;
worker_processes 1;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/logs/error.log warn;
events {{ worker_connections 64; }}
rtmp {{
    server {{
        listen 127.0.0.1:{self.port};
        chunk_size 4096;
        application live {{ live on; record off; }}
    }}
}}
""")
        self.process = subprocess.Popen(
            [nginx, "-p", str(self.prefix), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = (
                    self.process.stderr.read().decode(errors="replace")
                    if self.process.stderr
                    else ""
                )
                raise TestBedUnavailable(f"nginx exited: {err.strip()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TestBedUnavailable("nginx RTMP did not listen in time")

    def worker_pids(self) -> list[int]:
        """The nginx worker processes (children of the master)."""
        assert self.process is not None
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]

    def freeze(self) -> None:
        """SIGSTOP the workers: OBS's stream backs up, congests, drops frames and reconnects."""
        for pid in self.worker_pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.worker_pids():
            os.kill(pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.thaw()
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
            self.process = None
        shutil.rmtree(self.prefix, ignore_errors=True)


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def reset_show(client) -> None:
    """Put the show collection back where each test expects it: out of studio mode, on
    Starting Soon, with Cut so that scene switches are instant."""
    client.request("SetCurrentSceneTransition", {"transitionName": "Cut"})
    client.request("SetStudioModeEnabled", {"studioModeEnabled": False})
    client.request("SetCurrentProgramScene", {"sceneName": "Starting Soon"})
