"""The diff cache: one computation per pair of contents, bounded by characters, least recently used out."""

from sessions_app.diff_cache import DiffCache
from sessions_app.diffs import FileDiff


def diff_of(chars: int) -> FileDiff:
    return FileDiff(lines=["x" * (chars - 1) + "\n"], additions=1, deletions=0)


def test_a_diff_is_computed_once(settings):
    settings.ALLOY_DIFF_CACHE_CHARS = 1_000
    cache, computed = DiffCache(), []

    def compute() -> FileDiff:
        computed.append(1)
        return diff_of(10)

    first = cache.get_or_compute("a", compute)
    assert cache.get_or_compute("a", compute) is first
    assert computed == [1]


def test_the_least_recently_used_goes_first_when_over_budget(settings):
    settings.ALLOY_DIFF_CACHE_CHARS = 250
    cache = DiffCache()
    for key in "abc":
        cache.get_or_compute(key, lambda: diff_of(100))
    assert not cache.has("a")  # 300 characters: the oldest went
    cache.get_or_compute("b", lambda: diff_of(100))  # b is now the most recent
    cache.get_or_compute("d", lambda: diff_of(100))
    assert [cache.has(key) for key in "bcd"] == [True, False, True]


def test_a_diff_larger_than_the_budget_is_not_kept(settings):
    settings.ALLOY_DIFF_CACHE_CHARS = 50
    cache = DiffCache()
    assert cache.get_or_compute("big", lambda: diff_of(100)).additions == 1
    assert len(cache) == 0
