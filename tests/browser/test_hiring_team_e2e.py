"""The hiring team's side on `make dev` (`python -m local.dev` in a child process, real agent processes):

- an interview keeps the job profile version it started with: version 2 is saved while it runs, and it
  still asks version 1's questions, its report names version 1, and the job's list shows it;
- the review page in a real browser (Debian's chromium, driven by playwright-core from node): three
  interviews of one job made by the demo's personas; a hiring manager enters the key, sees the three
  candidates, sorts them by level, opens the best one's report, records a decision and sees it in the
  trail. Screenshots go to BROWSER_SCREENSHOTS (or the test's temporary folder).

The browser test skips, saying what is missing, when chromium, node or playwright-core is not installed
(`make test-browser` installs them: apt's chromium, and playwright-core from tests/browser/package.json).
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
from typing import cast

import httpx
import pytest

from local.demo import DemoResult, Progress, run_interview
from local.stack import LocalStack
from tests.e2e.stack_process import StackProcess
from tests.integration.jobs.profiles import backend_profile

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
JOB = "job-review-browser"
API_KEY = "dev-backend-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
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
pytestmark = pytest.mark.e2e
needs_a_browser = pytest.mark.skipif(MISSING is not None, reason=str(MISSING))


@dataclass(frozen=True)
class _Options:
    backend_api_key: str


@dataclass(frozen=True)
class _ServingStack:
    """What run_interview reads of a stack: the API's URL and the bearer key."""

    api_url: str
    options: _Options


def serving(stack: StackProcess) -> LocalStack:
    return cast(LocalStack, _ServingStack(stack.api_url, _Options(API_KEY)))


async def interview(stack: StackProcess, persona: str, name: str, *, room: str, job: str) -> DemoResult:
    return await run_interview(
        serving(stack),
        persona,
        Progress(out=io.StringIO()),
        time_scale=0.02,
        give_up_after=60,
        room_name=room,
        candidate_id=f"cand-{room}",
        candidate_name=name,
        job_id=job,
    )


@pytest.fixture(scope="module")
def dev_stack() -> Iterator[StackProcess]:
    stack = StackProcess().start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def dev_stack_with_three_interviews(dev_stack: StackProcess) -> tuple[StackProcess, list[DemoResult]]:
    async def three() -> list[DemoResult]:
        runs = (interview(dev_stack, p, n, room=f"review-{p}", job=JOB) for p, n in CANDIDATES)
        return list(await asyncio.gather(*runs))

    return dev_stack, asyncio.run(three())


def test_an_interview_keeps_the_profile_version_it_started_with(dev_stack: StackProcess) -> None:
    job, room = "job-e2e-profile", "e2e-profile-v1"
    client = httpx.Client(base_url=dev_stack.api_url, headers=AUTH, timeout=30)
    # Given version 1 of the job's profile
    first = backend_profile()
    first["questions"][0]["text"] = "Tell me about a service you designed that handled heavy traffic."
    put = client.put(f"/jobs/{job}/profile", json=first)
    assert put.status_code == 200 and put.json()["version"] == 1, put.text

    async def interview_while_the_profile_changes() -> DemoResult:
        running = asyncio.create_task(interview(dev_stack, "strong", "Ada Lovelace", room=room, job=job))
        # When version 2 is saved once the interview has started
        async with httpx.AsyncClient(base_url=dev_stack.api_url, headers=AUTH, timeout=30) as http:
            for _ in range(300):
                if (await http.get("/agent-status", params={"room": room})).status_code == 200:
                    break
                await asyncio.sleep(0.1)
            second = backend_profile(title="Backend Engineer v2")
            second["questions"][0]["text"] = "Tell me about the last outage you were on call for."
            saved = await http.put(f"/jobs/{job}/profile", json=second)
            assert saved.status_code == 200 and saved.json()["version"] == 2
        return await running

    result = asyncio.run(interview_while_the_profile_changes())
    # Then the interview asked version 1's questions, and its report names version 1's rubric
    assert result.status["interview"]["state"] == "completed", result.status
    record = result.record
    assert record["interview"]["profileVersion"] == 1
    assert record["turns"][0]["question"] == first["questions"][0]["text"]
    assert record["report"]["rubric_version"] == "backend-2026.1-v1"
    # And the job's list shows it with its levels and the report's link
    (row,) = client.get(f"/jobs/{job}/interviews").json()["interviews"]
    assert row["roomName"] == room and row["candidateName"] == "Ada Lovelace"
    assert row["rubricVersion"] == "backend-2026.1-v1" and row["profileVersion"] == 1
    assert {c["competencyId"] for c in row["competencies"]} == {"system_design", "collaboration"}
    assert row["reportUrl"].endswith(f"/interviews/{room}/report.html")
    # And new interviews get version 2
    assert client.get(f"/jobs/{job}/profile").json()["version"] == 2


@needs_a_browser
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
