"""Spreading pure work over every core.

Work is handed out by index: the worker processes are forked after the
shared inputs exist, so they inherit them instead of receiving pickled
copies, and only the small results travel back.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

# Below this many items a pool costs more than it saves.
MIN_PARALLEL = 64

_shared = None  # what the forked workers read: set just before the pool starts


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _run_range(job):
    fn, start, stop = job
    return [fn(_shared, i) for i in range(start, stop)]


def map_indexed(fn, shared, count: int) -> list:
    """[fn(shared, i) for i in range(count)], over all cores when it pays.

    fn must be a module-level function; its results must pickle.
    """
    workers = min(cores(), max(1, count // MIN_PARALLEL))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(shared, i) for i in range(count)]
    global _shared
    _shared = shared
    try:
        step = max(1, -(-count // (workers * 4)))
        jobs = [(fn, start, min(start + step, count)) for start in range(0, count, step)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [result for chunk in pool.map(_run_range, jobs) for result in chunk]
    finally:
        _shared = None
