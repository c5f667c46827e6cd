"""wrk driven through a list of different, pre-signed requests, in order, and checking answers.

The requests are written to a file as raw HTTP separated by NUL bytes; one wrk thread reads
them at start-up and hands them out in file order to whichever connection is free, so a
request written well after another is sent after it (with ``connections`` in flight at most).
Each 200 answer must contain ``expect`` or it counts as wrong. When the list runs out wrk
starts it again and counts a wrap: for an app that stores calls, replayed requests are no
longer new calls, so the caller sizes the list to last the whole run.

A helper: ``ivr.py`` runs it against the project and the bare baseline alike.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from _load import WRK_REPORT_LUA, LoadResult, run_wrk_script

_SCRIPT = """
wrong, wraps = 0, 0
local requests, count, index = {}, 0, 0
local expect = EXPECT

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local data = file:read("*a")
  file:close()
  for record in string.gmatch(data, "[^%z]+") do
    count = count + 1
    requests[count] = record
  end
end

function request()
  index = index + 1
  if index > count then
    index, wraps = 1, wraps + 1
  end
  return requests[index]
end

function response(status, headers, body)
  if status == 200 and not string.find(body, expect, 1, true) then
    wrong = wrong + 1
  end
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
REPORT
  local w, r = 0, 0
  for _, thread in ipairs(threads) do
    w, r = w + thread:get("wrong"), r + thread:get("wraps")
  end
  io.write(string.format("wrk-sequence wrong=%d wraps=%d\\n", w, r))
end
"""
_RESULT = re.compile(r"wrk-sequence wrong=(\d+) wraps=(\d+)")


@dataclass(frozen=True)
class SequenceResult:
    """wrk's figures, plus answers that were not what the sequence expects, and wraps."""

    load: LoadResult
    wrong: int
    wraps: int


def write_sequence(path: Path, calls: Iterable[tuple[bytes, bytes]], lag: int) -> int:
    """Write each call's two requests, the second ``lag`` calls after the first; the count."""
    written = 0
    pending: deque[bytes] = deque()
    with path.open("wb") as file:
        for first, second in calls:
            file.write(first + b"\0")
            pending.append(second)
            written += 1
            if len(pending) > lag:
                file.write(pending.popleft() + b"\0")
                written += 1
        for second in pending:
            file.write(second + b"\0")
            written += 1
    return written


def run_sequence(
    port: int, requests_file: Path, seconds: float, connections: int, expect: str
) -> SequenceResult:
    """Send the file's requests in order for ``seconds`` over ``connections`` connections."""
    # A long-bracket Lua string: TwiML fragments hold quotes, never "]==]".
    script = _SCRIPT.replace("EXPECT", f"[==[{expect}]==]").replace("REPORT", WRK_REPORT_LUA)
    load, output = run_wrk_script(
        port, "/voice/incoming", script, seconds, connections, (str(requests_file),)
    )
    match = _RESULT.search(output)
    wrong, wraps = (int(match.group(1)), int(match.group(2))) if match else (-1, -1)
    return SequenceResult(load, wrong, wraps)
