"""Spreading pure work over every core.

Work is handed out by index: the worker processes are forked after the
shared inputs exist, so they inherit them instead of receiving pickled
copies, and only the small results travel back.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

# Below this many items a pool costs more than it saves.
MIN_PARALLEL = 64

_shared = None  # what the forked workers read: set just before the pool starts
_alone = False  # true in a Later's process: its work runs there, beside pools that have the cores
_progress = None  # called as _progress(label, done, total) while work goes on; see report_progress


def report_progress(callback) -> None:
    """Have long work call callback(label, done, total) as it goes (None: stay quiet).

    The command line sets this on a terminal only; the pipeline's results never depend on it.
    """
    global _progress
    _progress = callback


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _die_with_parent() -> None:
    """Linux: a worker ends when the build that forked it is killed, instead of waiting for work forever."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start_worker() -> None:
    """A pool's worker: dies with its build, and collects garbage cycles, rarely, when forked from a build (see few_collections)."""
    _die_with_parent()
    if _collecting_less:
        gc.enable()


def _run_range(job):
    fn, start, stop = job
    return [fn(_shared, i) for i in range(start, stop)]


def map_indexed(fn, shared, count: int, label: str = "", spread: bool = True, share: bool = False, cycles: bool = True) -> list:
    """[fn(shared, i) for i in range(count)], over all cores when it pays.

    fn must be a module-level function; its results must pickle. spread=False:
    in this process, for work done while other processes keep the cores busy
    (see imap_indexed). share, cycles: this process takes part (see imap_indexed).
    """
    return list(imap_indexed(fn, shared, count, label, spread, share, cycles))


# Results travel back a chunk at a time; a chunk this size of rendered pages is a few MB.
MAX_CHUNK = 256


def imap_indexed(fn, shared, count: int, label: str = "", spread: bool = True, share: bool = False, cycles: bool = True):
    """fn(shared, i) for i in range(count), yielded in order as the work is done.

    The caller can write each result away as it comes instead of holding
    them all. Nothing starts before the first result is asked for.

    spread=False runs it all in this process: when processes of the
    caller's own already have work for every core, workers would only add
    their cost (a copy of each page of memory they touch, their results
    pickled and read back) and finish no sooner.

    share=True has this process do jobs too, with a worker fewer, instead
    of waiting for their results: what it works out is not pickled, sent
    and read back, and a worker fewer copies the memory it touches. It does
    them as a worker does: in a build, collecting garbage cycles while at
    them; cycles=False for work that makes none, which it need not look for
    (collecting while it parsed articles, which it keeps, cost a tenth of
    loading). Whatever the work leaves behind stays in this process, though,
    where a worker would have given it back when it ended.
    """
    workers = _workers(count) if spread else 1
    jobs = [(fn, start, stop) for start, stop in _ranges(count, workers)]
    global _shared
    _shared = shared
    try:
        if workers < 2:
            yield from _collect(map(_run_range, jobs), jobs, label, count)
            return
        with ProcessPoolExecutor(max_workers=workers - share, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker) as pool:
            chunks = _shared_out(pool, jobs, workers - 1, _run_collecting if cycles else _run_range) if share else pool.map(_run_range, jobs)
            yield from _collect(chunks, jobs, label, count)
    finally:
        _shared = None


def _workers(count: int) -> int:
    """How many processes count items are spread over: one where they cannot be (see Later), or are too few."""
    if _alone or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(cores(), max(1, count // MIN_PARALLEL))


def spreads(count: int) -> bool:
    """Whether imap_indexed would spread count items over more than this process."""
    return _workers(count) > 1


def _shared_out(pool, jobs, helpers: int, run_here):
    """Each job's results, in order, the jobs taken in turn by the pool's helpers and by this process.

    The pool is kept a few jobs ahead; whenever the next results to give
    are not ready, this process does the next job itself, with run_here.
    What it works out is not pickled, sent and read back (see imap_indexed).
    """
    started = 0  # jobs[:started] are taken
    given = {}  # job number -> its future, for the jobs the pool took and whose results are not given yet
    done = {}  # job number -> its results, for the jobs this process did
    for number in range(len(jobs)):
        while number not in done:
            while started < len(jobs) and len(given) < 2 * helpers:
                given[started] = pool.submit(_run_range, jobs[started])
                started += 1
            if number in given and (started == len(jobs) or given[number].done()):
                break
            done[started] = run_here(jobs[started])
            started += 1
        yield done.pop(number) if number in done else given.pop(number).result()


def _run_collecting(job):
    """A job done in this process as a pool worker does it: in a build, collecting garbage cycles while at it (see few_collections)."""
    if not _collecting_less or gc.isenabled():
        return _run_range(job)
    gc.enable()
    try:
        return _run_range(job)
    finally:
        gc.disable()


def _ranges(count: int, workers: int) -> list[tuple[int, int]]:
    """The (start, stop) of each job: chunks of up to MAX_CHUNK items, an eighth of that for the last
    few, so that the workers run out of work together (a build's last pages are its slowest to render)."""
    step = max(1, min(MAX_CHUNK, -(-count // (workers * 8))))
    tail = min(count, workers * 2 * step) if workers > 1 else 0
    ranges = [(start, min(start + step, count - tail)) for start in range(0, count - tail, step)]
    small = max(1, step // 8)
    return ranges + [(start, min(start + small, count)) for start in range(count - tail, count, small)]


def _collect(chunks, jobs, label: str, count: int):
    for (_, _, stop), chunk in zip(jobs, chunks):
        yield from chunk
        if _progress and label and count:
            _progress(label, stop, count)


# Collections in a build's pool workers: rarer than Python's default (700, 10, 10), see few_collections.
BUILD_GC_THRESHOLDS = (20_000, 20, 20)
_collecting_less = 0  # how many few_collections are open


@contextmanager
def few_collections():
    """The cyclic garbage collector tuned for a build while inside; as it was again after.

    A build makes millions of objects that live until it ends (the articles,
    the planned pages). With Python's defaults the collector scans them over
    and over (4 s of CPU over all processes at 10,000 articles), and a forked
    worker that scans them touches, and so copies, the memory it shares with
    the build. Inside, the build's own process and its Later processes do not
    collect at all: they make no garbage cycles (9 objects at 10,000
    articles), and collecting cost the build's process and the edit base's
    saving 0.18 s each. Pool workers collect, rarely: rendering makes cycles
    (Jinja's contexts), 100,000 objects a render worker. settle() marks what
    exists as permanent (gc.freeze), so that the collector passes it over in
    the workers forked after. Nested uses count as one.
    """
    global _collecting_less
    if _collecting_less == 0:
        before, enabled = gc.get_threshold(), gc.isenabled()
        gc.set_threshold(*BUILD_GC_THRESHOLDS)
        gc.disable()
    _collecting_less += 1
    try:
        yield
    finally:
        _collecting_less -= 1
        if _collecting_less == 0:
            gc.set_threshold(*before)
            if enabled:
                gc.enable()
            gc.unfreeze()


@contextmanager
def without_collections():
    """The cyclic collector off while inside, then settle(): for reading back what a build saved.

    Unpickling makes no garbage cycles, only objects that live on: an edit
    build reads back a million of them at 10,000 articles, and the
    collections they set off took 0.16 s, a sixth of the build.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        settle()


def settle() -> None:
    """Within few_collections: what exists now lives until the build ends; the collector need not look at it again."""
    if _collecting_less:
        gc.freeze()


class Later:
    """fn(), worked out in a forked process while the caller goes on; result() waits for it.

    The process runs alongside the caller's own pools, so work in it is not
    spread further, and it reports no progress.
    """

    def __init__(self, fn):
        self._taken, self._value, self._process = False, None, None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._taken, self._value = True, fn()  # no forking here: the work is done now, in this process
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_later, args=(fn, send))
        self._process.start()
        send.close()

    def result(self):
        if not self._taken:
            try:
                ok, value = self._receive.recv()
            except EOFError:
                raise RuntimeError("the background work ended without a result") from None
            finally:
                self._process.join()
                self._receive.close()
            if not ok:
                raise value
            self._taken, self._value = True, value
        return self._value

    def close(self) -> None:
        """Stop the work if it is still going (a result not yet taken is lost)."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


def _later(fn, send) -> None:
    global _alone, _progress
    _die_with_parent()
    _alone, _progress = True, None
    try:
        result = (True, fn())
    except BaseException as exc:  # handed to the caller, raised there
        result = (False, exc)
    send.send(result)
    send.close()


class Laters:
    """Several functions, each worked out by a Later of its own, side by side; their dict results merged.

    A Later already started may be given instead of a function.
    """

    def __init__(self, *fns):
        self._all: list[Later] = []
        try:
            for fn in fns:
                self._all.append(fn if isinstance(fn, Later) else Later(fn))
        except BaseException:
            self.close()
            raise

    def each(self) -> list:
        """Wait for every result; the results in the order of the functions."""
        return [later.result() for later in self._all]

    def merged(self) -> dict:
        """Wait for every result; one dict of them all (a later one's keys win)."""
        out = {}
        for result in self.each():
            out.update(result)
        return out

    def close(self) -> None:
        for later in self._all:
            later.close()
