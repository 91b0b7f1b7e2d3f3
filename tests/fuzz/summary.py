"""Adds up the fuzzer's requests (from every xdist worker) for the terminal summary.

A plugin of the root conftest (`pytest_plugins`), so that the summary also comes at the end of
the whole suite: under xdist, the controller loads only the conftests of the paths it is given.
"""

import os
from collections import Counter
from dataclasses import dataclass

import pytest


@dataclass
class _Run:
    name: str
    seconds: float
    cpu_seconds: float = 0.0
    requests: int = 0
    statuses: Counter[int | None] | None = None


_runs: list[_Run] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    props = dict(report.user_properties)
    if report.when != "call" or "fuzz_requests" not in props:
        return
    _runs.append(
        _Run(
            name=report.nodeid.split("[", 1)[-1].rstrip("]"),
            seconds=report.duration,
            cpu_seconds=props["fuzz_cpu_seconds"],
            requests=props["fuzz_requests"],
            statuses=Counter(props["fuzz_statuses"]),
        )
    )


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not _runs:
        return
    write = terminalreporter.write_line
    requests = sum(r.requests for r in _runs)
    seconds = sum(r.seconds for r in _runs)
    cpu = sum(r.cpu_seconds for r in _runs)
    write(
        f"fuzz: {requests:,} requests to {len(_runs)} URLs in {seconds:.0f} s of test time "
        f"({cpu:.0f} s of CPU in the test processes)"
    )
    statuses: Counter[int | None] = Counter()
    for run in _runs:
        statuses.update(run.statuses or {})
    write(
        "fuzz: answers by status: "
        + ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items(), key=str))
    )
    # FUZZ_REPORT=1: every URL's requests, time and statuses (to see where the time goes).
    shown = _runs if os.environ.get("FUZZ_REPORT") else sorted(_runs, key=lambda r: -r.seconds)[:5]
    for run in sorted(shown, key=lambda r: -r.seconds):
        write(
            f"fuzz:   {run.seconds:6.1f} s {run.cpu_seconds:6.1f} s CPU {run.requests:5,} requests "
            f"{run.name}  {dict(sorted((run.statuses or {}).items(), key=str))}"
        )
