"""How well the offline profile draft picks the competencies a job needs (POST /jobs/{jobId}/profile/draft).

For each labelled job description (bench/profile_draft_data/descriptions.json) the draft's competencies
are compared with the expected ones: recall (expected ones drafted) and precision (drafted ones that were
expected). Baseline, measured in the same run: the draft a description-blind tool would give, the four
general competencies (problem solving, communication, collaboration, ownership) for every job.

    .venv/bin/python bench/bench_profile_draft.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # the use case's log lines stay off the report

from interview_common.logic.job_profile_draft import FALLBACK_ORDER, draft_profile  # noqa: E402
from interview_common.models.job_profile_api import DraftRequest  # noqa: E402

DATA = ROOT / "bench" / "profile_draft_data" / "descriptions.json"


def score(chosen: list[str], expected: list[str]) -> tuple[float, float]:
    hits = len(set(chosen) & set(expected))
    return hits / len(expected), (hits / len(chosen) if chosen else 0.0)


def main() -> int:
    cases = json.loads(DATA.read_text())["descriptions"]
    rows = []
    started = time.perf_counter()
    for case in cases:
        draft = draft_profile(case["id"], DraftRequest(description=case["text"], title=case["title"]))
        chosen = [match.competency_id for match in draft.matches]
        baseline = score(list(FALLBACK_ORDER), case["expected"])
        rows.append((case, chosen, score(chosen, case["expected"]), baseline))
    elapsed_ms = (time.perf_counter() - started) * 1000 / len(cases)
    print(f"{'job':20} {'recall':>6} {'prec.':>6}  drafted")
    for case, chosen, (recall, precision), _ in rows:
        print(f"{case['id']:20} {recall:6.2f} {precision:6.2f}  {', '.join(chosen)}")
    recall = sum(r[2][0] for r in rows) / len(rows)
    precision = sum(r[2][1] for r in rows) / len(rows)
    base_recall = sum(r[3][0] for r in rows) / len(rows)
    base_precision = sum(r[3][1] for r in rows) / len(rows)
    print()
    print(
        f"draft (keyword match): recall {recall:.2f}, precision {precision:.2f}, {elapsed_ms:.2f} ms a draft"
    )
    print(
        "baseline (the 4 general competencies for every job): "
        f"recall {base_recall:.2f}, precision {base_precision:.2f}"
    )
    print(
        f"ratio vs baseline: recall x{recall / base_recall:.2f}, precision x{precision / base_precision:.2f} "
        f"({len(rows)} descriptions)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
