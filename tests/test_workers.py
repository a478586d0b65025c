"""Work spread over processes: results come back in order, failures come back as errors, no process is left behind."""

import gc
import multiprocessing
import os
import time

import pytest

from conftest import article, write_archive
from wardsite.build import build
from wardsite.config import Config
from wardsite.workers import BUILD_GC_THRESHOLDS, MAX_CHUNK, MIN_PARALLEL, Later, Laters, _ranges, cores, few_collections, map_indexed, settle, without_collections


_met_the_others = False


@pytest.fixture(autouse=True)
def _each_test_waits_for_the_others_again():
    """A test whose calling process took an item leaves _met_the_others set here: the next test's workers, forked from it, must wait again."""
    global _met_the_others
    yield
    _met_the_others = False


def _wait_for_the_others(all_started) -> None:
    """The first item a process takes waits until every process has taken one, so none can do it all alone."""
    global _met_the_others
    if all_started is not None and not _met_the_others:
        _met_the_others = True
        all_started.wait(timeout=60)


def _square_once_all_have_started(shared, i):
    numbers, all_started = shared
    _wait_for_the_others(all_started)
    return numbers[i] * numbers[i], os.getpid()


def _collecting_once_all_have_started(all_started, i):
    _wait_for_the_others(all_started)
    return os.getpid(), gc.isenabled()


def test_map_indexed_gives_every_result_in_order_from_a_process_per_core():
    numbers = list(range(500))
    processes = min(cores(), len(numbers) // MIN_PARALLEL)
    all_started = multiprocessing.get_context("fork").Barrier(processes) if processes > 1 else None
    results = map_indexed(_square_once_all_have_started, (numbers, all_started), len(numbers))
    assert [square for square, _ in results] == [n * n for n in numbers]
    if processes > 1:
        assert len({pid for _, pid in results} - {os.getpid()}) == processes
    assert multiprocessing.active_children() == []


def test_map_indexed_shared_with_the_calling_process_does_part_of_the_work_there_and_gives_every_result_in_order():
    numbers = list(range(500))
    processes = min(cores(), len(numbers) // MIN_PARALLEL)  # the calling process and a worker fewer
    all_started = multiprocessing.get_context("fork").Barrier(processes) if processes > 1 else None
    results = map_indexed(_square_once_all_have_started, (numbers, all_started), len(numbers), share=True)
    assert [square for square, _ in results] == [n * n for n in numbers]
    if processes > 1:
        pids = {pid for _, pid in results}
        assert os.getpid() in pids and len(pids) == processes
    assert multiprocessing.active_children() == []


def test_map_indexed_not_spread_does_every_item_in_the_calling_process_in_order():
    numbers = list(range(500))  # enough to be spread over every core otherwise (see above)
    results = map_indexed(_square_once_all_have_started, (numbers, None), len(numbers), spread=False)
    assert results == [(n * n, os.getpid()) for n in numbers]
    assert multiprocessing.active_children() == []


def test_work_is_handed_out_in_chunks_that_cover_every_item_once_and_end_small_so_the_workers_finish_together():
    for count, workers in ((14_564, 2), (10_000, 4), (700, 2), (63, 1), (1, 1), (0, 1)):
        ranges = _ranges(count, workers)
        assert [i for start, stop in ranges for i in range(start, stop)] == list(range(count))
    ranges = _ranges(14_564, 2)
    assert max(stop - start for start, stop in ranges) == MAX_CHUNK
    # The last four chunks' worth of items go out an eighth of a chunk at a time.
    assert [stop - start for start, stop in ranges[-32:]] == [MAX_CHUNK // 8] * 32
    assert ranges[-33][1] == 14_564 - 4 * MAX_CHUNK


def test_without_collections_the_collector_is_off_inside_and_what_was_read_is_left_alone_after():
    assert gc.isenabled()
    with without_collections():
        assert not gc.isenabled()
    assert gc.isenabled()
    with few_collections():
        with without_collections():
            assert not gc.isenabled()
            read_back = [[n] for n in range(1000)]
        assert gc.get_freeze_count() >= len(read_back)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def _collector(shared, i):
    return gc.isenabled(), gc.get_threshold()


def test_in_a_build_only_the_pool_workers_collect_garbage_cycles_and_rarely():
    with few_collections():
        assert not gc.isenabled()
        workers = set(map_indexed(_collector, None, MIN_PARALLEL * 4))
        later = Later(lambda: _collector(None, 0)).result()
    assert gc.isenabled()
    # With one core the pool's work runs in the build's own process, which does not collect.
    assert workers == {(cores() > 1, BUILD_GC_THRESHOLDS)}
    assert later == (False, BUILD_GC_THRESHOLDS)


def test_a_build_sharing_work_with_its_pool_collects_garbage_cycles_at_its_share_as_the_workers_do_unless_told_there_are_none():
    global _met_the_others
    processes = min(cores(), 4)  # the build's process and a worker fewer
    results = {}
    with few_collections():
        for cycles in (True, False):
            all_started = multiprocessing.get_context("fork").Barrier(processes) if processes > 1 else None
            results[cycles] = map_indexed(_collecting_once_all_have_started, all_started, MIN_PARALLEL * 4, share=True, cycles=cycles)
            _met_the_others = False  # this process took an item of the first map: the second's must wait again
            assert not gc.isenabled()  # and not after
    here = os.getpid()
    # With one core nothing is shared: the work runs in the build's process, which does not collect.
    assert {collecting for pid, collecting in results[True] if pid == here} == {processes > 1}
    assert {collecting for pid, collecting in results[False] if pid == here} == {False}
    for cycles in (True, False):
        assert {collecting for pid, collecting in results[cycles] if pid != here} == ({True} if processes > 1 else set())


def test_later_works_in_another_process_and_hands_back_its_result():
    later = Later(lambda: {"pid": os.getpid(), "files": {"a.txt": b"x" * 1_000_000}})
    value = later.result()
    assert value["pid"] != os.getpid() and value["files"]["a.txt"] == b"x" * 1_000_000
    assert later.result() is value
    assert multiprocessing.active_children() == []


def test_an_error_in_later_work_is_raised_to_the_caller():
    def fails():
        raise ValueError("the archive could not be indexed")

    with pytest.raises(ValueError, match="could not be indexed"):
        Later(fails).result()
    assert multiprocessing.active_children() == []


def test_closing_later_work_that_is_still_going_stops_its_process():
    later = Later(lambda: time.sleep(60))
    started = time.monotonic()
    later.close()
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []


def test_where_processes_cannot_be_forked_later_work_is_done_at_once_in_the_caller(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    later = Later(lambda: os.getpid())
    assert later.result() == os.getpid()
    later.close()


def test_settled_objects_are_passed_over_by_the_collector_until_the_outermost_build_ends():
    before = gc.get_threshold()
    kept = [[n] for n in range(1000)]
    with few_collections():
        assert gc.get_threshold() == BUILD_GC_THRESHOLDS
        with few_collections():
            settle()
            assert gc.get_freeze_count() >= len(kept)
        assert gc.get_freeze_count() >= len(kept), "an inner end must not undo the outer build's settling"
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


def test_settle_outside_a_build_changes_nothing():
    settle()
    assert gc.get_freeze_count() == 0


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    content = write_archive(tmp_path, {f"a{n}.md": article(title=f"Bài {n}") for n in range(3)})
    before = gc.get_threshold()
    assert build(content, tmp_path / "site", Config(), None, cache_dir=None).ok
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_laters_work_side_by_side_in_processes_of_their_own_and_merge_their_results():
    laters = Laters(lambda: {"a": os.getpid()}, lambda: {"b": os.getpid()}, lambda: {"b": "last wins"})
    merged = laters.merged()
    assert set(merged) == {"a", "b"} and merged["b"] == "last wins"
    assert merged["a"] != os.getpid()
    each = laters.each()
    assert [set(result) for result in each] == [{"a"}, {"b"}, {"b"}] and each[2]["b"] == "last wins"
    laters.close()
    assert multiprocessing.active_children() == []


def test_closing_laters_stops_every_one_still_working():
    laters = Laters(lambda: time.sleep(60), lambda: time.sleep(60))
    started = time.perf_counter()
    laters.close()
    assert time.perf_counter() - started < 10 and multiprocessing.active_children() == []
