"""Check results, the context checks share, and the runner that turns checks into a list."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from streamkit.errors import ConfigError, StreamkitError

if TYPE_CHECKING:
    from streamkit.aws.schedule.calendar import Occurrence
    from streamkit.config import Config
    from streamkit.obs.client import ObsClient

log = logging.getLogger(__name__)


class Status(StrEnum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class CheckResult:
    """One line of the checklist; `fix` says what to do when it is not PASS."""

    name: str
    status: Status
    summary: str
    fix: str = ""
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}


class Skip(Exception):
    """Raised by a check that cannot run: its dependency is unreachable, or nothing is set up."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Check = Callable[["DoctorContext"], CheckResult]


def utcnow() -> datetime:
    return datetime.now(UTC)


class DoctorContext:
    """What checks share: the config, a clock, the chosen event, and lazily made clients.

    The OBS client and AWS clients are created on first use, once; a failure to create them is
    remembered so that the check that owns it reports it and the checks that need it skip.
    """

    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], datetime] = utcnow,
        event: Occurrence | None = None,
        obs_factory: Callable[[], ObsClient] | None = None,
        aws_factory: Callable[[str], Any] | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.event = event
        self._obs_factory = obs_factory or self._default_obs
        self._aws_factory = aws_factory or self._default_aws
        self._obs: ObsClient | None = None
        self._obs_error: StreamkitError | None = None
        self._aws: dict[str, Any] = {}
        self.aws_error: StreamkitError | None = None
        self.facts: dict[str, Any] = {}  # answers one check fetched and another reuses

    # -- OBS ---------------------------------------------------------------------------------

    def _default_obs(self) -> ObsClient:
        from streamkit.obs.client import client_for

        return client_for(self.config.obs, reconnect=False, subscriptions=0).connect()

    def obs_error(self) -> StreamkitError | None:
        """Why OBS cannot be used (None when it can); connects on first call."""
        if self._obs is None and self._obs_error is None:
            try:
                self._obs = self._obs_factory()
            except StreamkitError as exc:
                self._obs_error = exc
        return self._obs_error

    def obs(self) -> ObsClient:
        """The connected client, or Skip naming why OBS is out of reach."""
        error = self.obs_error()
        if error is not None:
            if isinstance(error, ConfigError):
                raise Skip("the websocket password cannot be resolved (see config.secrets)")
            raise Skip("OBS is not reachable (see obs.connection)")
        assert self._obs is not None
        return self._obs

    # -- AWS ---------------------------------------------------------------------------------

    def _default_aws(self, service: str) -> Any:
        from streamkit.aws.session import make_client

        return make_client(service, self.config.workspace.region, max_attempts=3)

    def aws(self, service: str) -> Any:
        """A boto3 client for `service` (one per service); Skip when credentials failed."""
        if self.aws_error is not None:
            raise Skip("AWS credentials or region are not usable (see aws.credentials)")
        if service not in self._aws:
            self._aws[service] = self._aws_factory(service)
        return self._aws[service]

    def close(self) -> None:
        if self._obs is not None:
            self._obs.close()
            self._obs = None


def run_checks(ctx: DoctorContext, checks: Sequence[tuple[str, Check]]) -> list[CheckResult]:
    """Run each check in order; Skip becomes SKIP, a project error becomes FAIL with its hint."""
    results = []
    for name, check in checks:
        try:
            result = check(ctx)
        except Skip as skip:
            result = CheckResult(name, Status.SKIP, skip.reason)
        except StreamkitError as exc:
            result = CheckResult(name, Status.FAIL, exc.message, exc.hint or "")
        except Exception as exc:  # a defect in one check must not hide the others' results
            log.exception("check %s crashed", name)
            result = CheckResult(
                name,
                Status.FAIL,
                f"the check itself failed: {type(exc).__name__}: {exc}",
                "run with --log-level DEBUG and report it",
            )
        results.append(result)
    return results


def exit_code(results: Sequence[CheckResult]) -> int:
    """2 when any check failed, else 1 when any warned, else 0."""
    statuses = {r.status for r in results}
    if Status.FAIL in statuses:
        return 2
    return 1 if Status.WARN in statuses else 0
