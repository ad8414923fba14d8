"""The load test's figures: nearest-rank percentiles, and who a killed replica affected."""

from __future__ import annotations

from bench.load import percentile, summarise


def test_p95_is_nearest_rank_so_below_20_samples_it_is_the_slowest():
    for n in (11, 13, 14, 15, 16, 19):
        assert percentile(list(range(1, n + 1)), 0.95) == n
    assert percentile(list(range(1, 21)), 0.95) == 19
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile([], 0.95) is None


def _entry(session, at, end, ms=None, error=None, reconnected=False):
    e = {"session": session, "kind": "filter_change", "at": at, "end": end}
    if ms is not None:
        e["ms"] = ms
    if error:
        e["error"] = error
    if reconnected:
        e["reconnected"] = True
    return e


def test_an_interaction_that_fails_at_the_kill_counts_as_hit_by_it():
    log = [
        _entry(0, 1.0, 2.0, ms=1000),  # over before the kill at 10 s
        _entry(1, 9.0, 12.0, error="ConnectionClosed"),  # running at the kill, then failed
        _entry(2, 9.5, 11.0, ms=1500, reconnected=True),  # running at the kill, reconnected and finished
        _entry(3, 11.0, 11.2, ms=200),  # begun after the kill
    ]
    summary = summarise(log, {"at": 10.0, "port": 8602})
    kill = summary["kill"]
    assert kill["sessions_active_after_the_kill"] == 3
    assert kill["sessions_with_an_error_after_the_kill"] == 1
    assert kill["sessions_reconnected_to_a_live_replica"] == 1 and kill["of_those_finished_again"] == 1
    assert kill["of_those_not_on_the_killed_replica"] == 1  # session 1 did not reconnect, so it is counted here
    assert summary["filter_change"]["median_ms"] == 1000  # the median of 200, 1000 and 1500
    blind = summarise(log, {"at": 10.0, "port": 8602}, sees_reconnects=False)["kill"]
    assert blind["sessions_reconnected_to_a_live_replica"] is None
    assert blind["of_those_not_on_the_killed_replica"] is None
