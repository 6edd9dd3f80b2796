"""The Lighthouse audit's reading of a report: scores, metrics, the gate (tools/lighthouse/audit.py)."""

import importlib.util
import sys
from pathlib import Path

import pytest

AUDIT_PY = Path(__file__).resolve().parents[1] / "tools" / "lighthouse" / "audit.py"


@pytest.fixture(scope="module")
def audit():
    # tools/ is not a package: load the script by its path, as scripts/lighthouse.sh runs it.
    spec = importlib.util.spec_from_file_location("lighthouse_audit", AUDIT_PY)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def report(accessibility=1.0, best_practices=1.0, failing_label=False):
    """A trimmed Lighthouse 12 report with the fields the audit reads."""
    return {
        "finalDisplayedUrl": "http://127.0.0.1:1234/",
        "environment": {"benchmarkIndex": 1830.4},
        "categories": {
            "performance": {"score": 0.574, "auditRefs": []},
            "accessibility": {
                "score": accessibility,
                "auditRefs": [{"id": "label", "weight": 7}, {"id": "skip-link", "weight": 0}],
            },
            "best-practices": {"score": best_practices, "auditRefs": [{"id": "errors-in-console", "weight": 1}]},
            "seo": {"score": None, "auditRefs": []},
        },
        "audits": {
            "label": {"score": 0 if failing_label else 1, "title": "Form elements have associated labels"},
            "skip-link": {"score": 0, "title": "Skip links are focusable"},
            "layout-shifts": {"score": None, "scoreDisplayMode": "error", "errorMessage": "frame_sequence"},
            "errors-in-console": {"score": 1, "title": "No browser errors logged to the console"},
            "first-contentful-paint": {"displayValue": "1.7 s"},
            "cumulative-layout-shift": {"displayValue": "0.006"},
            "speed-index": {"displayValue": "26.7 s"},
            "metrics": {
                "details": {
                    "items": [
                        {
                            "observedFirstContentfulPaint": 183.2,
                            "observedCumulativeLayoutShift": 0.00563,
                            "observedSpeedIndex": 1711.0,
                        }
                    ]
                }
            },
        },
    }


def test_scores_are_out_of_100_and_a_missing_one_is_none(audit):
    summary = audit.summarize("index-mobile", report())
    assert summary.scores == {"performance": 57, "accessibility": 100, "best-practices": 100, "seo": None}
    assert summary.url == "http://127.0.0.1:1234/"


def test_metrics_give_the_scored_and_the_observed_value(audit):
    metrics = {label: (scored, seen) for label, scored, seen in audit.summarize("x", report()).metrics}
    assert metrics["FCP"] == ("1.7 s", "0.2 s")
    assert metrics["CLS"] == ("0.006", "0.006")
    assert metrics["Speed Index"] == ("26.7 s", "1.7 s")
    # No observed counterpart, and an audit missing from the report, both print without failing.
    assert metrics["TBT"] == ("n/a", "")


def test_the_gate_passes_at_the_bar_and_fails_under_it(audit):
    assert audit.summarize("x", report(accessibility=0.95)).below(95) == []
    assert audit.summarize("x", report(accessibility=0.94, best_practices=0.5)).below(95) == [
        "accessibility",
        "best-practices",
    ]


def test_a_failing_weighted_audit_is_listed_and_an_unweighted_one_is_not(audit):
    summary = audit.summarize("x", report(accessibility=0.9, failing_label=True))
    assert summary.failing == {"accessibility": ["label: Form elements have associated labels"]}
    assert "label: Form elements" in audit.describe(summary)


def test_a_runtime_error_is_a_warning(audit):
    broken = report()
    broken["runtimeError"] = {"code": "NO_NAVSTART", "message": "Something went wrong"}
    assert audit.summarize("x", broken).warnings == ["runtime error: Something went wrong"]


def test_audits_lighthouse_could_not_run_are_listed(audit):
    summary = audit.summarize("x", report())
    assert summary.errored == ["layout-shifts"]
    assert "could not run: layout-shifts" in audit.describe(summary)
