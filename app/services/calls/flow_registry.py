"""The flows the app serves: loaded and verified from a directory, the last good version kept.

A flow file that fails to load or verify is never served: the previous good version of that
file stays in service (or, for a new file, nothing), and the errors are logged with
``file:line``. Files are re-read when they change, checked at most every few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection
from pathlib import Path

from ivr_flows import Flow, FlowError, FlowSet, flow_files, load_flow, verify_flow

log = logging.getLogger(__name__)


class FlowRegistry:
    """Verified flows from ``directory``, reloaded when the files change."""

    def __init__(
        self,
        directory: str | Path,
        known_queues: Collection[str] | None = None,
        check_interval: float = 2.0,
    ) -> None:
        self.directory = Path(directory)
        self.known_queues = known_queues
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._good: dict[Path, Flow] = {}
        self._flow_set = FlowSet.of([])
        self._fingerprint: tuple[tuple[str, int, int], ...] | None = None
        self._checked_at = float("-inf")
        self._loaded = False

    def current(self) -> FlowSet:
        """The flows to serve now (reloading first if the files changed).

        Until the first load has finished, every thread waits for it: a request arriving
        while another loads must not find no flow at all and send its caller to the
        fallback line.
        """
        if self._loaded and time.monotonic() - self._checked_at < self.check_interval:
            return self._flow_set
        with self._lock:
            if not self._loaded or time.monotonic() - self._checked_at >= self.check_interval:
                self._refresh()
                self._loaded = True
        return self._flow_set

    def _refresh(self) -> None:
        self._checked_at = time.monotonic()
        files = flow_files([self.directory]) if self.directory.is_dir() else []
        fingerprint = tuple(
            (str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files
        )
        if fingerprint == self._fingerprint:
            return
        self._fingerprint = fingerprint
        good = {path: flow for path in files if (flow := self._load(path)) is not None}
        try:
            self._flow_set = FlowSet.of(good.values())
        except FlowError as exc:
            log.error("flows conflict; keeping the previous set in service:\n%s", exc)
            return
        self._good = good
        log.info("serving %d flow(s) from %s", len(good), self.directory)

    def _load(self, path: Path) -> Flow | None:
        """The flow in ``path`` if it loads and verifies, else its last good version."""
        try:
            flow = load_flow(path)
            result = verify_flow(flow, known_queues=self.known_queues)
            if not result.ok:
                raise FlowError("flow failed verification", result.errors)
            return flow
        except FlowError as exc:
            previous = self._good.get(path)
            kept = f"keeping the last good version of {previous.id}" if previous else "not served"
            log.error("%s: %s; %s", path.name, exc, kept)
            return previous
