"""The fixed window both rate limiters count in (the web side's throttles, workspaces/throttle.py, and
/mcp's, mcp_gateway/transport/rate_limits.py): time cut into windows of `seconds`, numbered alike by every
process and host, so a count kept under a window's number (in Redis, in the cache) is everyone's count
for that window, and a refusal says how long until the next one starts."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class FixedWindow:
    seconds: int

    def number(self) -> int:
        """The current window's number: the same in every process (wall-clock time)."""
        return int(time.time() // self.seconds)

    def ends_at(self) -> float:
        """When the current window ends, in seconds since the epoch."""
        return (self.number() + 1) * self.seconds

    def retry_after(self) -> int:
        """Whole seconds until the current window ends (at least 1): what a 429's Retry-After says."""
        return max(1, math.ceil(self.seconds - time.time() % self.seconds))
