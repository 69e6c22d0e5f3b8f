"""Run the independent pieces of a build on every core, in forked worker processes.

Why fork: a worker starts as a copy of the build at that moment, with the
loaded content, the converted Markdown and the templates already in memory,
so nothing large is sent to it. A task is a zero-argument callable made
before the fork; the workers and this process take task numbers from a
shared queue (whoever is free takes the next task, so a long task does not
hold up the rest), and workers send back the task's result, pickled: it
should be small, so pages are written to disk by the process that renders
them, never sent through a pipe.

With one job (or where fork does not exist) the tasks simply run in this
process, in order: the same results, which is what the tests compare.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar, cast

from generator.i18n import _

T = TypeVar("T")
Task = Callable[[], T]


class WorkerError(Exception):
    """A task failed in a worker with an exception that could not be sent back as it was."""


def cpu_count() -> int:
    """The cores this process may run on (fewer than the machine's under a CPU affinity mask)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a build: it found almost nothing to free, but walking
    the ever larger heap cost a tenth of the build at 10,000 matters."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(tasks: Sequence[Task[T]], jobs: int) -> list[T]:
    """Each task's result, in the tasks' order, computed by this process and ``jobs - 1`` workers.

    This process takes tasks from the same queue as the workers, so its
    results (often the larger share) need no pickling; a thread here
    receives the workers' results as they come, so that no worker waits for
    this process to finish a task before it can send one. A task's exception
    is raised here, after the workers were stopped.
    """
    jobs = min(jobs, len(tasks))
    if jobs <= 1 or not can_fork():
        return [task() for task in tasks]
    context = multiprocessing.get_context("fork")
    todo = context.SimpleQueue()
    for index in range(len(tasks)):
        todo.put(index)
    for _worker in range(jobs):
        todo.put(None)  # one stop sign per worker and one for this process
    gc.freeze()  # keep the collector from touching (and so copying) the objects the workers share
    workers: list[tuple[Any, Connection]] = []
    results: dict[int, tuple[bool, Any]] = {}
    try:
        for _worker in range(jobs - 1):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(tasks, todo, send), daemon=True)
            process.start()  # forked before the receiving thread exists: never fork a process with threads
            send.close()
            workers.append((process, receive))
        failed = threading.Event()
        receiver = threading.Thread(target=_receive, args=([pipe for _, pipe in workers], results, failed),
                                    daemon=True)
        receiver.start()
        while not failed.is_set() and (index := todo.get()) is not None:
            results[index] = (True, tasks[index]())
        if not failed.is_set():
            receiver.join()
        return _in_order(results, len(tasks))
    finally:
        for process, receive in workers:
            if process.is_alive():
                process.terminate()
            process.join()
            receive.close()
        todo.close()
        gc.unfreeze()


def _work(tasks: Sequence[Task[Any]], todo: Any, results: Connection) -> None:
    """A worker's loop: run tasks until the queue says stop; report each result or failure."""
    while (index := todo.get()) is not None:
        try:
            results.send((index, True, tasks[index]()))
        except BaseException as error:  # noqa: BLE001 (everything goes back to the parent)
            results.send((index, False, _portable(error)))
            return
    results.close()


def _receive(pipes: list[Connection], results: dict[int, tuple[bool, Any]], failed: threading.Event) -> None:
    """Collect ``(index, ok, value)`` from every pipe until each is closed (its worker is done or died)."""
    open_pipes = list(pipes)
    while open_pipes:
        for ready in wait(open_pipes):
            pipe = cast(Connection, ready)
            try:
                index, ok, value = pipe.recv()
            except (EOFError, OSError):
                open_pipes.remove(pipe)
                continue
            results[index] = (bool(ok), value)
            if not ok:
                failed.set()
                return


def _in_order(results: dict[int, tuple[bool, Any]], count: int) -> list[Any]:
    for ok, value in list(results.values()):
        if not ok:
            raise value
    if len(results) < count:
        raise WorkerError(_("a worker process of the build ended before finishing its work (out of memory?)"))
    return [results[index][1] for index in range(count)]


def _portable(error: BaseException) -> BaseException:
    """``error`` if it survives pickling, else a WorkerError carrying its traceback."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001
        return WorkerError("".join(traceback.format_exception(error)))


class Background:
    """One task started now in a forked worker, its result taken later; use it as a context manager.

    For work that waits more than it computes, such as reading the git
    history (a few ``git`` processes): it overlaps with the rest of the build
    instead of delaying it. Without ``fork`` (or fork unavailable) the task
    runs in this process when its result is asked for.
    """

    def __init__(self, task: Task[T], fork: bool):
        self._task = task
        self._process: Any = None
        self._receive: Connection | None = None
        if fork and can_fork():
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_work_once, args=(task, send), daemon=True)
            self._process.start()
            send.close()

    def result(self) -> Any:
        if self._receive is None:
            return self._task()
        try:
            ok, value = self._receive.recv()
        except EOFError:
            raise WorkerError(_("a worker process of the build ended before finishing its work (out of memory?)")) from None
        if not ok:
            raise value
        return value

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
        if self._receive is not None:
            self._receive.close()


def _work_once(task: Task[Any], results: Connection) -> None:
    try:
        results.send((True, task()))
    except BaseException as error:  # noqa: BLE001 (everything goes back to the parent)
        results.send((False, _portable(error)))
