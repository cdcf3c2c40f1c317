"""Failed guesses counted per window (public tracking): one counter item per key and window.

The counters live beside the search items; a window's item is never read again once the
window has passed (its key names the window). Each carries `expires` (epoch seconds, one
window after its own ends), which the table's TTL uses to delete it: counters of callers
that come once do not pile up for ever.
"""

from __future__ import annotations

import time

from chalicelib.adapters.models import CounterModel


def _item(key: str, window_seconds: int) -> CounterModel:
    window = int(time.time()) // window_seconds
    return CounterModel(f"THROTTLE#{key}", str(window))


def failures(key: str, window_seconds: int) -> int:
    """Failures recorded for `key` in the current window."""
    item = _item(key, window_seconds)
    try:
        item.refresh(consistent_read=True)
    except CounterModel.DoesNotExist:
        return 0
    return int(item.n)


def fail(key: str, window_seconds: int) -> None:
    item = _item(key, window_seconds)
    expires = (int(item.term_sort) + 2) * window_seconds
    item.update(actions=[CounterModel.n.add(1), CounterModel.expires.set(expires)])
