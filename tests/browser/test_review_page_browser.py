"""The review page in a real browser (Debian's chromium, driven by playwright-core from node) against
`make dev` (`python -m local.dev` in a child process): three interviews of one job made by the demo's
personas, then a hiring manager enters the key, sees the three candidates, sorts them by level, opens the
best one's report, records a decision and sees it in the trail. Screenshots go to BROWSER_SCREENSHOTS
(or the test's temporary folder).

Skips, saying what is missing, when chromium, node or playwright-core is not installed (`make
test-browser` installs them: apt's chromium, and playwright-core from tests/browser/package.json).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from local.demo import DemoResult, Progress, run_interview
from local.stack import LocalStack
from tests.e2e.stack_process import StackProcess

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
JOB = "job-review-browser"
API_KEY = "dev-backend-key"
# The demo's personas, each a candidate of the same job.
CANDIDATES = (("strong", "Ada Lovelace"), ("weak", "Ben Carter"), ("injection", "Cy Young"))


def missing_tools() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium, or `make test-browser`)"
        )
    node = shutil.which("node")
    if node is None:
        return "node is not installed (the browser test drives chromium with playwright-core from node)"
    found = subprocess.run(  # noqa: S603 - a fixed command
        [node, "-e", "import('playwright-core').then(() => process.exit(0), () => process.exit(1))"],
        cwd=BROWSER_DIR,
        capture_output=True,
        timeout=20,
    )
    if found.returncode != 0:
        return (
            "playwright-core is not installed in tests/browser "
            "(cd tests/browser && npm ci, or `make test-browser`)"
        )
    return None


MISSING = missing_tools()
NODE = shutil.which("node") or "node"
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(MISSING is not None, reason=str(MISSING))]


@dataclass(frozen=True)
class _ServingStack:
    """What run_interview reads of a stack: the API's URL and the bearer key."""

    api_url: str
    options: Any


@pytest.fixture(scope="module")
def dev_stack_with_three_interviews() -> Iterator[tuple[StackProcess, list[DemoResult]]]:
    stack = StackProcess().start()
    try:
        serving = cast(LocalStack, _ServingStack(stack.api_url, _Options(API_KEY)))

        async def three() -> list[DemoResult]:
            return list(
                await asyncio.gather(
                    *(
                        run_interview(
                            serving,
                            persona,
                            Progress(out=io.StringIO()),
                            time_scale=0.02,
                            give_up_after=60,
                            room_name=f"review-{persona}",
                            candidate_id=f"cand-{persona}",
                            candidate_name=name,
                            job_id=JOB,
                        )
                        for persona, name in CANDIDATES
                    )
                )
            )

        results = asyncio.run(three())
        yield stack, results
    finally:
        stack.stop()


@dataclass(frozen=True)
class _Options:
    backend_api_key: str


def test_a_hiring_manager_reviews_a_jobs_candidates_and_decides(
    dev_stack_with_three_interviews: tuple[StackProcess, list[DemoResult]], tmp_path: Path
) -> None:
    stack, results = dev_stack_with_three_interviews
    assert [r.status["interview"]["state"] for r in results] == ["completed"] * 3, [r.status for r in results]
    shots = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    # When the page is driven in chromium
    run = subprocess.run(  # noqa: S603 - a fixed command
        [NODE, "review_page.mjs", stack.api_url, API_KEY, JOB, str(shots)],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert "error" not in seen, seen.get("error")
    steps = seen["steps"]

    # Then the key was asked for in a focused, labelled field, and kept for the tab only
    assert steps["keyFieldFocused"] is True
    assert steps["keyInSessionStorage"] is True and steps["keyInLocalStorage"] is False
    # And the job's three candidates are listed by name, each competency a bar
    assert steps["rowCount"] == 3
    assert sorted(steps["names"]) == sorted(name for _, name in CANDIDATES)
    assert steps["states"] == ["completed"] * 3
    assert all(bars >= 1 for bars in steps["barsPerRow"])
    # And sorting by level (from the keyboard) orders them highest first, then lowest first
    assert steps["levelsDescending"] == sorted(steps["levelsDescending"], reverse=True)
    assert steps["levelsAscending"] == sorted(steps["levelsAscending"])
    assert steps["levelAriaSort"] == "descending"
    assert steps["namesByLevel"][0] == "Ada Lovelace"  # the strong persona
    # And the report opens (focus moves to it) with its competencies and rubric version
    assert steps["reportHeading"] == "Report: Ada Lovelace"
    assert steps["reportHeadingFocused"] is True
    assert steps["reportCompetencies"]
    assert "Rubric version" in steps["reportRubric"]
    assert steps["hashAfterOpen"] == f"#/jobs/{JOB}/review-strong"
    # And the decision is recorded, shown in the trail and in the table; the note is shown as text
    assert steps["trailBefore"] == 0
    assert len(steps["trail"]) == 1 and steps["trail"][0].startswith("Advance by Grace Hopper")
    assert "<b>not bold</b>" in steps["trail"][0] and steps["boldInjected"] == 0
    assert steps["rowDecision"] == "Advance"
    # And closing it returns focus to the button that opened it
    assert steps["focusAfterClose"] == "Open the report of Ada Lovelace"
    # And the deep link opens that report directly, with its trail
    assert steps["deepLinkHeading"] == "Report: Ada Lovelace" and len(steps["deepLinkTrail"]) == 1
    # And a wrong key is refused and asked for again
    assert "not accepted" in steps["wrongKeyMessage"]
    # And nothing broke the page's CSP or scripts (the 401 of the wrong key aside)
    unexpected = [e for e in seen["consoleErrors"] if "401" not in e]
    assert unexpected == []
