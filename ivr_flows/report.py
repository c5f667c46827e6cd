"""Verifying flow files and directories at once: the report behind ``helpline flows verify``."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from ivr_flows.errors import FlowError, Problem
from ivr_flows.flowset import FlowSet
from ivr_flows.loader import flow_files, load_flow
from ivr_flows.model import Flow
from ivr_flows.verify import VerifyResult, verify_flow


@dataclass(frozen=True)
class VerifyReport:
    """Results per flow file, plus problems between files (a number claimed twice...)."""

    results: tuple[VerifyResult, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every flow passes and the flows agree with each other."""
        return not self.problems and all(result.ok for result in self.results)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "ok": self.ok,
            "flows": [result.to_dict() for result in self.results],
            "errors": [problem.to_dict() for problem in self.problems],
        }

    def to_json(self) -> str:
        """The report as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def lines(self) -> list[str]:
        """The report for people: one line per flow, then ``file:line: message`` per error."""
        out: list[str] = []
        for result in self.results:
            out.append(_header(result))
            out += [f"  {problem}" for problem in result.errors]
            out += [f"  warning: {problem}" for problem in result.warnings]
        out += [str(problem) for problem in self.problems]
        failed = sum(not result.ok for result in self.results) + len(self.problems)
        out.append("all flows verified" if self.ok else f"{failed} failure(s)")
        return out


def verify_paths(
    paths: Iterable[str | Path], *, known_queues: Collection[str] | None = None
) -> VerifyReport:
    """Load and verify every flow file under ``paths``, and check they fit together."""
    return _check(list(paths), known_queues)[0]


def load_flow_set(
    paths: Iterable[str | Path], *, known_queues: Collection[str] | None = None
) -> FlowSet:
    """Load, verify and index the flows under ``paths``; any failure raises one FlowError."""
    report, flows = _check(list(paths), known_queues)
    if not report.ok:
        errors = [problem for result in report.results for problem in result.errors]
        raise FlowError("flows failed verification", [*errors, *report.problems])
    return FlowSet.of(flows)


def _check(
    paths: list[str | Path], known_queues: Collection[str] | None
) -> tuple[VerifyReport, list[Flow]]:
    results: list[VerifyResult] = []
    loaded: list[Flow] = []
    problems: list[Problem] = []
    files = flow_files(paths)
    if not files:
        problems.append(Problem(", ".join(map(str, paths)) or ".", 1, "no flow files found"))
    for path in files:
        if not path.is_file():
            problems.append(Problem(str(path), 1, "no such flow file"))
            continue
        try:
            flow = load_flow(path)
        except FlowError as exc:
            results.append(
                VerifyResult(path.stem, str(path), False, None, None, errors=exc.problems)
            )
            continue
        loaded.append(flow)
        results.append(verify_flow(flow, known_queues=known_queues))
    try:
        FlowSet.of(loaded)
    except FlowError as exc:
        problems += exc.problems
    return VerifyReport(tuple(results), tuple(problems)), loaded


def _header(result: VerifyResult) -> str:
    """The verdict line of one flow, with its bound when it has one."""
    flow = f"{result.flow_id} ({result.source})"
    if result.max_prompts_to_human is None:
        return f"FAIL {flow}: cannot be loaded"
    if result.bound is None:
        return f"FAIL {flow}: not every call reaches a person"
    verdict = "ok  " if result.ok else "FAIL"
    return (
        f"{verdict} {flow}: at most {result.bound} prompt(s) before a person "
        f"(max {result.max_prompts_to_human})"
    )
