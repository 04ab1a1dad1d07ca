"""The one source of the current time, as stored: integer microseconds since the epoch, UTC;
and the one way times are written for people and clients: RFC 2822."""

import functools
import time
from datetime import UTC, datetime
from email.utils import format_datetime


def now() -> int:
    return time.time_ns() // 1000


def rfc2822(microseconds: int) -> str:
    """``Tue, 25 Sep 2018 23:00:00 +0000``."""
    return _rfc2822_second(microseconds // 1_000_000)


@functools.lru_cache(maxsize=65536)
def _rfc2822_second(seconds: int) -> str:
    # Formatting costs ~20 µs and every number shows two dates; the format has one-second
    # resolution, so remembering recent seconds makes repeated reads nearly free.
    return format_datetime(datetime.fromtimestamp(seconds, UTC))
