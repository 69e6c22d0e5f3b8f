"""The worker pool of the build: results in order, failures raised here, never a hang."""
from __future__ import annotations

import os
import time

import pytest

from generator.engine import parallel

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="needs the fork start method")


def _slow_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_results_come_back_in_order_from_every_process():
    tasks = [lambda index=index: (index, _slow_pid(0.05)) for index in range(8)]
    results = parallel.run(tasks, 2)
    assert [index for index, _ in results] == list(range(8))
    assert len({pid for _, pid in results}) == 2  # this process and one worker


def test_one_job_runs_here():
    assert parallel.run([os.getpid, os.getpid], 1) == [os.getpid()] * 2


def test_a_failing_task_raises_its_own_exception():
    def fail() -> None:
        raise ValueError("broken task")

    with pytest.raises(ValueError, match="broken task"):
        parallel.run([lambda: _slow_pid(0.2), fail, lambda: 1], 2)


def test_an_exception_that_cannot_travel_arrives_as_text():
    class Local(Exception):  # not importable, so not picklable
        pass

    parent = os.getpid()

    def fail() -> None:
        if os.getpid() == parent:
            time.sleep(0.5)  # leave the failing one to the worker
            return
        raise Local("only here")

    with pytest.raises(parallel.WorkerError, match="only here"):
        parallel.run([fail, fail], 2)


def test_a_worker_that_dies_is_reported():
    parent = os.getpid()

    def die() -> None:
        if os.getpid() != parent:
            os._exit(3)
        time.sleep(0.5)

    with pytest.raises(parallel.WorkerError, match="ended before finishing"):
        parallel.run([die, die], 2)
