"""One sending rate across every worker: a token bucket in Redis, taken in one Lua step.

Each send reserves the next free slot: the bucket's clock moves on by ``1 / rate`` and the
caller is told how long to wait for its slot (0 when it is free now). Reservations never
collide, whatever the number of workers, so the rate holds without retries. An idle bucket
saves no slots for a burst: after a pause the rate is the rate. Time is Redis's own
(``TIME``), so workers' clocks do not matter. Texts and calls have a bucket each: Twilio
limits messages per second and calls per second apart.
"""

from __future__ import annotations

from redis import Redis

KEY = "helpline:broadcasts:bucket"  # texts (BROADCAST_MPS)
CALLS_KEY = "helpline:broadcasts:calls-bucket"  # calls (BROADCAST_CPS)

_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
redis.call('SET', KEYS[1], tostring(slot + 1 / tonumber(ARGV[1])), 'EX', 3600)
return tostring(slot - now)
"""


# Slots are spaced for 2 % under the rate. A send that reaches the carrier late, right
# behind an on-time one, spends the carrier's headroom; at exactly the rate nothing ever
# gives it back, and the next send a hair early is refused. 2 % gives a token back every
# 50 sends, and the rate stays within 5 % of the limit.
HEADROOM = 0.98


class Bucket:
    """The shared bucket at ``key``; ``rate`` sends per second (0: no limit)."""

    def __init__(self, client: Redis, rate: float, key: str = KEY) -> None:
        self.client = client
        self.rate = rate
        self.key = key
        self._reserve = client.register_script(_RESERVE)

    def reserve(self) -> float:
        """Reserve the next slot; seconds to wait before using it."""
        if self.rate <= 0:
            return 0.0
        wait = self._reserve(keys=[self.key], args=[self.rate * HEADROOM])
        return float(wait.decode() if isinstance(wait, bytes) else wait)
