"""When a batch answered 207 "not ready" is sent again, and from where."""

from __future__ import annotations

import time

from streamkit.obs.ready import NOT_READY, NotReadyWait, resend_from
from streamkit.obs.types import BatchResult


def result(index: int, request_type: str, code: int) -> BatchResult:
    return BatchResult(index, request_type, code == 100, code)


def test_nothing_to_resend_without_a_not_ready_answer():
    assert resend_from([result(0, "GetSceneList", 100), result(1, "CreateScene", 601)]) is None


def test_resends_from_the_first_not_ready_answer():
    results = [
        result(0, "CreateSceneCollection", 100),
        result(1, "GetSceneList", NOT_READY),
        result(2, "GetInputList", 100),  # OBS became ready meanwhile: a read, run again
        result(3, "CreateScene", NOT_READY),
    ]
    assert resend_from(results) == 1


def test_never_resends_a_change_that_ran_after_a_not_ready_answer():
    results = [result(0, "GetSceneList", NOT_READY), result(1, "CreateScene", 100)]
    assert resend_from(results) is None


def test_wait_gives_up_at_its_deadline():
    waiting = NotReadyWait(0.2)
    started = time.monotonic()
    attempts = 0
    while waiting.again():
        attempts += 1
    assert 0.2 <= time.monotonic() - started < 0.5
    assert attempts >= 2
