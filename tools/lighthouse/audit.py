"""Lighthouse audit of the built site: serve it on a free port, run Lighthouse, print and gate the scores.

Run through ``scripts/lighthouse.sh``, which installs the pinned Lighthouse beside this file and builds the
site first. Reports (JSON and HTML) go to ``artifacts/lighthouse/``. The exit status is non-zero when
accessibility or best practices score under the bar on any audited page and form factor, or when a run
fails; performance and SEO are printed, never gated, because on a shared two-core machine the
performance score moves with whatever else is running.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = Path(__file__).resolve().parent / "node_modules" / ".bin" / "lighthouse"
SITE = ROOT / "build" / "site"
REPORTS = ROOT / "artifacts" / "lighthouse"

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GATED = ("accessibility", "best-practices")
# (audit id, key in the metrics audit's observed timings, label). The audit's value is Lighthouse's scored
# figure (simulated slow network and CPU); the observed one is what this machine did on loopback.
METRICS = (
    ("first-contentful-paint", "observedFirstContentfulPaint", "FCP"),
    ("largest-contentful-paint", "observedLargestContentfulPaint", "LCP"),
    ("total-blocking-time", None, "TBT"),
    ("cumulative-layout-shift", "observedCumulativeLayoutShift", "CLS"),
    ("speed-index", "observedSpeedIndex", "Speed Index"),
    ("interactive", None, "TTI"),
)
PAGES = {"index": "", "chat": "chat.html"}


@dataclass
class Summary:
    """One report boiled down: scores out of 100, metric lines, and what keeps a gated category down."""

    name: str
    url: str
    scores: dict[str, int | None]
    metrics: list[tuple[str, str, str]]
    failing: dict[str, list[str]]
    errored: list[str]
    warnings: list[str]
    benchmark_index: float | None

    def below(self, minimum: int) -> list[str]:
        """The gated categories under ``minimum`` (a missing score counts as under)."""
        return [c for c in GATED if (self.scores.get(c) is None or self.scores[c] < minimum)]


def summarize(name: str, report: dict[str, Any]) -> Summary:
    """Read a Lighthouse JSON report (``lhr``) into a ``Summary``."""
    categories = report.get("categories", {})
    audits = report.get("audits", {})
    scores: dict[str, int | None] = {}
    for category in CATEGORIES:
        score = categories.get(category, {}).get("score")
        scores[category] = None if score is None else round(score * 100)

    observed: dict[str, Any] = (audits.get("metrics", {}).get("details", {}).get("items") or [{}])[0]
    metrics = []
    for audit_id, observed_key, label in METRICS:
        audit = audits.get(audit_id, {})
        scored = audit.get("displayValue", "n/a")
        seen = ""
        if observed_key and observed.get(observed_key) is not None:
            value = observed[observed_key]
            seen = f"{value:.3f}" if audit_id == "cumulative-layout-shift" else f"{value / 1000:.1f} s"
        metrics.append((label, scored, seen))

    # An audit that weighs in a gated category and did not pass: the list to work through when a gate fails.
    failing: dict[str, list[str]] = {}
    for category in GATED:
        for ref in categories.get(category, {}).get("auditRefs", []):
            audit = audits.get(ref["id"], {})
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                failing.setdefault(category, []).append(f"{ref['id']}: {audit.get('title', '')}")

    # Audits Lighthouse could not compute. With Lighthouse 12.2.3 on a newer Chromium, the few that read the
    # trace's layout-shift and paint internals fail this way; none weighs in a score, but the list says so.
    errored = sorted(audit_id for audit_id, audit in audits.items() if audit.get("scoreDisplayMode") == "error")

    warnings = list(report.get("runWarnings", []))
    if report.get("runtimeError"):
        warnings.insert(0, f"runtime error: {report['runtimeError'].get('message', report['runtimeError'])}")
    return Summary(
        name=name,
        url=report.get("finalDisplayedUrl", report.get("requestedUrl", "")),
        scores=scores,
        metrics=metrics,
        failing=failing,
        errored=errored,
        warnings=warnings,
        benchmark_index=report.get("environment", {}).get("benchmarkIndex"),
    )


def describe(summary: Summary) -> str:
    """The lines printed for one run."""
    lines = [f"{summary.name}  {summary.url}"]
    score_text = "  ".join(f"{c} {'n/a' if s is None else s}" for c, s in summary.scores.items())
    lines.append(f"  scores: {score_text}")
    lines.append(f"  {'metric':<12} {'lighthouse':>12} {'observed':>10}")
    for label, scored, seen in summary.metrics:
        lines.append(f"  {label:<12} {scored:>12} {seen:>10}")
    if summary.benchmark_index is not None:
        # Lighthouse's own measure of how fast this CPU was during the run: lower means busier.
        lines.append(f"  benchmark index {summary.benchmark_index:.0f}")
    for category, audits in summary.failing.items():
        lines.append(f"  not passing in {category}:")
        lines.extend(f"    - {audit}" for audit in audits)
    if summary.errored:
        lines.append(f"  audits Lighthouse could not run: {', '.join(summary.errored)}")
    lines.extend(f"  warning: {warning}" for warning in summary.warnings)
    return "\n".join(lines)


def run_lighthouse(
    url: str, out_stem: Path, form_factor: str, chrome: str, chrome_flags: str, attempts: int = 3
) -> dict[str, Any]:
    """Run the pinned Lighthouse; write ``<stem>.report.json`` and ``.html``; return the JSON report.

    A run that Lighthouse itself abandons (on a busy machine the trace sometimes misses the navigation start:
    NO_NAVSTART, "please run Lighthouse again") is tried again, up to ``attempts`` runs in all.
    """
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output=html",
        f"--output-path={out_stem}",
        f"--chrome-flags={chrome_flags}",
        "--no-enable-error-reporting",
        "--quiet",
        # Lighthouse waits 45 s for the network and the CPU to go quiet, then calls a page that does not
        # answer within 1 s hung. Pyodide's boot on a starved two-core machine (niced under a training run)
        # took longer than that, so give it twice the time; an idle machine settles in a few seconds.
        "--max-wait-for-load=90000",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=chrome)
    for attempt in range(1, attempts + 1):
        try:
            subprocess.run(command, check=True, env=env)
            break
        except subprocess.CalledProcessError:
            if attempt == attempts:
                raise
            print(f"  Lighthouse gave up on run {attempt}; running it again", flush=True)
    return json.loads(out_stem.with_name(out_stem.name + ".report.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lighthouse audit of Glub's built page, served on a free port.")
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGES), default=["index", "chat"])
    parser.add_argument("--form-factors", nargs="+", choices=["mobile", "desktop"], default=["mobile", "desktop"])
    parser.add_argument("--min-score", type=int, default=95, help="bar for accessibility and best practices")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    args = parser.parse_args(argv)

    if not LIGHTHOUSE.exists():
        print(f"no Lighthouse at {LIGHTHOUSE}: run scripts/lighthouse.sh (it installs it)", file=sys.stderr)
        return 2
    # The repository's own server, importable from a checkout whose venv lacks the editable install;
    # imported here so that --help works anywhere.
    sys.path.insert(0, str(ROOT))
    from pet.chromium import CHROMIUM_ARGS
    from pet.server import BackgroundServer, SiteHandler

    # The flags the browser tests use, so the audit's Chromium runs as theirs does.
    chrome_flags = " ".join(["--headless", *CHROMIUM_ARGS])

    class QuietHandler(SiteHandler):
        # Lighthouse probes for robots.txt and for every script's source map, which the site does not ship:
        # dozens of expected 404 lines. A 404 the page itself causes still shows, as a console error that
        # fails best practices.
        def log_message(self, format: str, *args: Any) -> None:
            pass

    REPORTS.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs", flush=True)
    summaries: list[Summary] = []
    failed_runs: list[str] = []
    server = BackgroundServer(SITE)
    server.server.RequestHandlerClass = partial(QuietHandler, directory=str(SITE))
    with server:
        for page in args.pages:
            for form_factor in args.form_factors:
                name = f"{page}-{form_factor}"
                print(f"auditing {name} ...", flush=True)
                try:
                    report = run_lighthouse(
                        server.url + PAGES[page], REPORTS / name, form_factor, args.chrome, chrome_flags
                    )
                except (subprocess.CalledProcessError, OSError, json.JSONDecodeError) as error:
                    failed_runs.append(f"{name}: {error}")
                    continue
                summary = summarize(name, report)
                summaries.append(summary)
                print(describe(summary), flush=True)

    print(f"reports: {REPORTS.relative_to(ROOT)}/")
    status = 0
    for failure in failed_runs:
        print(f"FAILED run {failure}", file=sys.stderr)
        status = 1
    for summary in summaries:
        low = summary.below(args.min_score)
        if low:
            print(f"FAILED {summary.name}: {', '.join(low)} under {args.min_score}", file=sys.stderr)
            status = 1
    if status == 0:
        print(f"accessibility and best practices at {args.min_score} or more on every run")
    return status


if __name__ == "__main__":
    sys.exit(main())
