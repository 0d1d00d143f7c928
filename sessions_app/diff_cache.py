"""Computed diffs, remembered by the pair of contents they compare.

A long diff is read in pages. Computing it for every page would cost each page what the whole file
costs (a 30,000-line file: 95-300 ms a page, measured). Instead a diff is computed when it is first
read and kept in this process, keyed by its two contents (their ids, which are one workspace's, so the
cache never serves a workspace what another's reads computed) and the path and context it was drawn
with, so every later page only slices out the lines it shows — and a session whose files were not
read costs nothing. Bounded by characters (ALLOY_DIFF_CACHE_CHARS), least recently used out first;
each worker process keeps its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.conf import settings

from alloy import metrics
from sessions_app.diffs import FileDiff


class DiffCache:
    def __init__(self) -> None:
        self._diffs: OrderedDict[Hashable, FileDiff] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def has(self, key: Hashable) -> bool:
        return key in self._diffs

    def get_or_compute(self, key: Hashable, compute: Callable[[], FileDiff]) -> FileDiff:
        with self._lock:
            diff = self._diffs.get(key)
            if diff is not None:
                self._diffs.move_to_end(key)
                metrics.diff_cache.labels(result="hit").inc()
                return diff
        metrics.diff_cache.labels(result="miss").inc()
        diff = compute()  # outside the lock: two threads may compute the same diff once each, never wait
        self._keep(key, diff)
        return diff

    def _keep(self, key: Hashable, diff: FileDiff) -> None:
        size = diff.size
        budget = settings.ALLOY_DIFF_CACHE_CHARS
        if size > budget:
            return
        with self._lock:
            if key in self._diffs:
                return
            self._diffs[key] = diff
            self._chars += size
            while self._chars > budget:
                _, evicted = self._diffs.popitem(last=False)
                self._chars -= evicted.size
            metrics.diff_cache_entries.set(len(self._diffs))

    def clear(self) -> None:
        with self._lock:
            self._diffs.clear()
            self._chars = 0

    def __len__(self) -> int:
        return len(self._diffs)


diffs_in_memory = DiffCache()
