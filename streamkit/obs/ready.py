"""OBS answers 207 "not ready" while it loads a scene collection (OBS 32): wait and ask again."""

from __future__ import annotations

import time
from collections.abc import Sequence

from streamkit.obs.types import BatchResult

NOT_READY = 207
# How long a request keeps being asked again while OBS is not ready (a big collection loads in
# a few seconds even under software rendering).
NOT_READY_WAIT = 15.0


def resend_from(results: Sequence[BatchResult]) -> int | None:
    """Where to resend a batch from: its first "not ready" answer, when everything OBS ran
    after it was a read (running those again changes nothing). None: nothing to resend, or it
    would run a change twice."""
    first = next((i for i, r in enumerate(results) if not r.ok and r.code == NOT_READY), None)
    if first is None:
        return None
    if any(r.ok and not r.request_type.startswith("Get") for r in results[first + 1 :]):
        return None
    return first


class NotReadyWait:
    """Backoff between attempts while OBS is not ready, up to a deadline."""

    def __init__(self, limit: float = NOT_READY_WAIT) -> None:
        self.deadline = time.monotonic() + limit
        self.delay = 0.05

    def again(self) -> bool:
        """Sleep a little and say whether to try again (False once the time is up)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(self.delay, left))
        self.delay = min(self.delay * 2, 0.5)
        return True
