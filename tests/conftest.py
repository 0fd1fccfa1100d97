"""Shared fixtures: the real-OBS test bed (skipped with its reason, or failed where required).

Every test that uses a real OBS runs once per version in STREAMKIT_OBS_VERSIONS (ids `[obs29]`,
`[obs32]`); the version is a session-scoped parameter, so pytest runs each version's tests
together and never keeps two session OBSes alive at once."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.realobs import (
    ISSUED_SECRETS,
    SHOW_COLLECTION,
    SOURCE_LEAK,
    ObsProcess,
    RtmpServer,
    TestBedUnavailable,
    selected_versions,
    start_obs,
    unavailable,
)

ROOT = Path(__file__).resolve().parent.parent

# The validated-config cache (streamkit.configfile) of this test run, not the user's; CLI
# subprocesses inherit it.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="streamkit-tests-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each real-OBS test on every selected OBS version; contract tests on the simulator too."""
    if "obs_version" not in metafunc.fixturenames:
        return
    try:
        versions = selected_versions()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    params = [pytest.param(v, marks=pytest.mark.real_obs, id=f"obs{v}") for v in versions]
    if "obs_backend" in metafunc.fixturenames:
        params.insert(0, pytest.param("simulator", id="simulator"))
    metafunc.parametrize("obs_version", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def obs_version(request: pytest.FixtureRequest) -> str:
    """The OBS major version of this test's parameter ("29", "32"), or "simulator"."""
    return request.param


@pytest.fixture(scope="session")
def real_obs(request: pytest.FixtureRequest, obs_version: str) -> Iterator[ObsProcess]:
    """One OBS per version for the whole session, shared by tests that leave it as they found it."""
    obs = ObsProcess(version=obs_version)
    try:
        obs.start()
    except TestBedUnavailable as exc:
        obs.cleanup()
        unavailable(str(exc))
    request.config.stash.setdefault(_OBS_PROCESSES, []).append(obs)
    yield obs
    obs.cleanup()


@pytest.fixture
def obs_factory(
    request: pytest.FixtureRequest, obs_version: str
) -> Iterator[Callable[..., ObsProcess]]:
    """Start a dedicated OBS of this test's version (optionally with a scene-collection file
    loaded); stopped after."""
    started: list[ObsProcess] = []

    def start(**options) -> ObsProcess:
        obs = ObsProcess(version=obs_version, **options)
        started.append(obs)
        request.config.stash.setdefault(_OBS_PROCESSES, []).append(obs)
        try:
            return obs.start()
        except TestBedUnavailable as exc:
            unavailable(str(exc))
            raise

    yield start
    for obs in started:
        obs.cleanup()


@pytest.fixture(scope="module")
def show_obs(request: pytest.FixtureRequest, obs_version: str) -> Iterator[ObsProcess]:
    """An OBS started with the show collection (NDI inputs, lower third, call audio)."""
    obs = start_obs(obs_version, collection_file=SHOW_COLLECTION)
    request.config.stash.setdefault(_OBS_PROCESSES, []).append(obs)
    yield obs
    obs.cleanup()


@pytest.fixture
def rtmp_server() -> Iterator[RtmpServer]:
    """A fresh nginx RTMP server on loopback (a stream target)."""
    server = RtmpServer()
    try:
        server.start()
    except TestBedUnavailable as exc:
        server.stop()
        unavailable(str(exc))
    yield server
    server.stop()


_OBS_PROCESSES = pytest.StashKey[list]()


_LEAKS_BEFORE = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attach the end of OBS's log to a failing test that used a real OBS. A failure during
    which OBS logged its own source leak (OBS 31 and later then stop loading collections, see
    `SOURCE_LEAK`) is reported as an expected failure naming it, not as ours."""
    report = yield
    if "obs_version" not in getattr(item, "fixturenames", ()):
        return report
    running = [o for o in item.config.stash.get(_OBS_PROCESSES, []) if o.process is not None]
    if call.when == "setup":
        item.stash[_LEAKS_BEFORE] = {id(o): o.source_leaks() for o in running}
    if not report.failed:
        return report
    before = item.stash.get(_LEAKS_BEFORE, {})
    leaked = [o for o in running if o.source_leaks() > before.get(id(o), 0)]
    for obs in running:  # still running: this test's
        report.sections.append((f"OBS {obs.version} log ({obs.home})", obs.log_tail()))
    if leaked:
        report.outcome = "skipped"
        report.wasxfail = (
            f"OBS {leaked[0].version} leaked sources when clearing a scene collection "
            f"(its log: '{SOURCE_LEAK}'), then stopped loading collections"
        )
    return report


_RUN_LOG = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Record every log record of the whole run, at DEBUG, through a plain handler."""
    import logging
    import tempfile

    path = Path(tempfile.mkstemp(prefix="streamkit-run-", suffix=".log")[1])
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    config.stash[_RUN_LOG] = path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any password handed out by the test bed appears in its DEBUG log."""
    path = session.config.stash.get(_RUN_LOG, None)
    if path is None or not path.exists():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    leaked = [s for s in ISSUED_SECRETS if s and s in text]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if leaked:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter:
            reporter.write_line(
                f"SECRET LEAK: {len(leaked)} test password(s) found in the "
                f"DEBUG log of this run: {path}",
                red=True,
            )
    else:
        if reporter:
            reporter.write_line(
                f"secret check: {len(ISSUED_SECRETS)} test password(s), none in "
                f"{len(text.splitlines())} DEBUG log lines"
            )
        path.unlink()
