"""Bar charts of today's intervals as SVG geometry, drawn by a template macro (no library)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

WIDTH = 960
HEIGHT = 160
AXIS = 20  # room for the hour labels under the bars


def bars(rows: Sequence[dict[str, Any]], key: str, top: float | None = None) -> dict[str, Any]:
    """Bars for ``key`` of each interval, scaled to the tallest (or ``top``), with hour ticks."""
    values = [float(row.get(key) or 0) for row in rows]
    top = top or max(values, default=0) or 1.0
    slot = WIDTH / 96  # a whole day's intervals, so the chart's scale never changes
    plot = HEIGHT - AXIS
    drawn = [
        {
            "x": round(i * slot + 1, 1),
            "width": round(slot - 2, 1),
            "height": round(plot * value / top, 1),
            "y": round(plot - plot * value / top, 1),
            "label": f"{row['start']}: {value:g}",
        }
        for i, (row, value) in enumerate(zip(rows, values, strict=True))
        if value > 0
    ]
    ticks = [{"x": round(hour * 4 * slot, 1), "label": f"{hour:02d}"} for hour in range(0, 24, 3)]
    return {"bars": drawn, "ticks": ticks, "width": WIDTH, "height": HEIGHT, "top": top}
