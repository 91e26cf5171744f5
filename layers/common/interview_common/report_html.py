"""The interview report as one self-contained HTML page a hiring manager can read without help.

Summary first, then the suggested outcome with the rule that produced it, scores per competency with
the candidate's own words as evidence, each answer's assessment, the transcript, and what produced the
report (rubric version, brain, model). Every value from the record is HTML-escaped: the candidate's
words are data, never markup. No scripts, no external resources: it renders the same offline, printed,
or attached to an email.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from html import escape
from string import Template

from interview_common.models.assessment import (
    HUMAN_DECISION_NOTICE,
    AnswerAssessment,
    CompetencyAssessment,
    InterviewReport,
)
from interview_common.models.record import InterviewRecordResponse, RecordedTurn

OUTCOME_LABELS = {
    "advance": "Advance",
    "review": "Review further",
    "do_not_advance": "Do not advance",
    "insufficient_evidence": "Not enough evidence to suggest an outcome: read the answers",
}
STATE_LABELS = {
    "requested": "Requested",
    "launching": "Starting",
    "waiting_for_candidate": "Waiting for the candidate",
    "in_progress": "In progress",
    "completed": "Completed",
    "abandoned": "Abandoned",
    "failed": "Failed",
}
FLAG_EXPLANATIONS = {
    "instructions_in_answer": (
        "An answer contained instructions addressed to the interviewer (for example, asking for a top "
        "score). "
        "They were treated as part of the answer, not followed, and earned nothing."
    ),
}
FLAG_EXPLANATIONS["rubric_gaming"] = (
    "An answer repeated the rubric's own words (a list of keywords, a recited rubric level, or the same "
    "sentence over and over). Those parts were not scored and earned nothing."
)
INJECTION_LABELS = {
    "override": "Told the interviewer to ignore its rubric or instructions",
    "score_demand": "Asked for a score",
    "outcome_demand": "Asked for an outcome",
    "fake_message": "Posed as another speaker (a system or interviewer message)",
    "fake_output": "Wrote the assessment's own output (JSON)",
    "role_play": "Tried to change the interviewer's role",
    "keyword_stuffing": "Listed the rubric's keywords",
    "rubric_echo": "Recited a rubric level",
    "padding": "Repeated a sentence",
    "structured_verdict": "Wrote scores or a verdict as data (key: value lines, a table, tags)",
    "authority_claim": "Claimed to speak for the hiring team or about the candidate from outside",
    "addressed": "Spoke to the evaluator, an AI or the hiring team instead of answering",
    "assessment_request": "Asked, politely, for a favourable write-up",
}
DECISION_LABELS = {"advance": "Advance", "hold": "Hold", "reject": "Reject"}
INPUTS_STATEMENT = (
    "Scores use only the words of the candidate's answers (the transcript), judged against the rubric. "
    "Nothing is inferred from voice, face, accent, emotion, name or any personal characteristic, and no "
    "audio or video is analysed for the assessment."
)
SPEAKERS = {
    "question": "Interviewer",
    "follow_up": "Interviewer (follow-up)",
    "prompt": "Interviewer",
    "repeat": "Interviewer",
}
# What a candidate's line was when it was not an answer (shown in the transcript; never assessed).
REPLY_LABELS = {
    "repeat_request": "asked to hear the question again",
    "clarification": "asked what the question means",
    "skip_request": "asked to skip the question",
    "needs_moment": "asked for a moment",
    "question_for_interviewer": "a question for the interviewer",
    "non_answer": "no answer of substance",
    "other_language": "in another language",
    "wants_to_stop": "asked to stop",
}
MAX_EVIDENCE_PER_COMPETENCY = 4

PAGE = Template(
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>$title</title>
<style>$style</style>
</head>
<body>
<main>
$body
</main>
</body>
</html>
"""
)

STYLE = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --soft: #f4f6f9;
  --accent: #2b59c3; --good: #1e7a46; --warn: #9a5b00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink);
  font: 16px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 920px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 28px; line-height: 1.2; margin: 4px 0 12px; }
h2 { font-size: 20px; margin: 0 0 12px; }
h3 { font-size: 17px; margin: 0 0 6px; }
section { margin-top: 28px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted);
  margin: 0; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; padding: 0; color: var(--muted); }
.facts div { display: flex; gap: 6px; }
.facts dt { font-weight: 600; color: var(--ink); }
.facts dd { margin: 0; }
.notice { margin-top: 20px; border: 1px solid #c9d6f2; background: #eef3fd; border-radius: 8px;
  padding: 12px 16px; }
.notice strong { display: block; margin-bottom: 2px; }
.callout { border-radius: 10px; padding: 18px 20px; border: 1px solid var(--line); background: var(--soft);
  }
.outcome-label { font-size: 24px; font-weight: 700; margin: 0 0 4px; }
.outcome-advance { border-color: #a9d8bd; background: #edf8f1;
  } .outcome-advance .outcome-label { color: var(--good); }
.outcome-review { border-color: #ecd3a6; background: #fdf6ea;
  } .outcome-review .outcome-label { color: var(--warn); }
.outcome-do_not_advance { border-color: #efbcb8; background: #fdf0ef;
  } .outcome-do_not_advance .outcome-label { color: var(--bad); }
.rule { color: var(--muted); margin: 8px 0 0; font-size: 15px; }
.warning { margin-top: 12px; border-left: 4px solid var(--warn); padding: 6px 12px; background: #fff8ec; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
@media (max-width: 700px) { .columns { grid-template-columns: 1fr; } }
ul.plain { margin: 0; padding-left: 20px; }
.competency { border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; margin-bottom: 12px; }
.competency-head { display: flex; justify-content: space-between; align-items: baseline; gap: 12px;
  flex-wrap: wrap; }
.score { font-weight: 700; white-space: nowrap; }
.meter { display: inline-flex; gap: 3px; vertical-align: middle; margin-right: 8px; }
.meter span { width: 16px; height: 10px; border-radius: 2px; background: var(--line); }
.meter span.on { background: var(--accent); }
.muted { color: var(--muted); }
.small { font-size: 14px; }
blockquote { margin: 8px 0; padding: 6px 12px; border-left: 3px solid var(--accent);
  background: var(--soft);
  font-style: italic; overflow-wrap: anywhere; }
.turn { border-top: 1px solid var(--line); padding-top: 16px; margin-top: 16px; }
.turn:first-of-type { border-top: 0; margin-top: 0; padding-top: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; table-layout: fixed; }
th, td { text-align: left; vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--line); }
th { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  font-weight: 600; }
td.level { white-space: nowrap; font-weight: 600; }
tbody tr:last-child td { border-bottom: 0; }
.answer { margin: 10px 0; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; }
.answer .label { display: block; font-size: 12px; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); margin-bottom: 2px; }
.answer p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.transcript { margin: 0; }
.line { display: grid; grid-template-columns: 150px 1fr; gap: 12px; padding: 8px 0;
  border-bottom: 1px solid var(--soft); }
.line .who { font-weight: 600; }
.line .when { display: block; font-weight: 400; font-size: 13px; color: var(--muted); }
.line.candidate .who { color: var(--accent); }
.line p { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.silence { color: var(--muted); font-style: italic; }
.flag { border-left: 4px solid var(--warn); padding: 4px 12px; margin: 8px 0; }
footer { margin-top: 36px; padding-top: 16px; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 14px; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
footer dt { font-weight: 600; color: var(--ink); }
footer dd { margin: 0; overflow-wrap: anywhere; }
@media print { main { padding: 0; } .competency, .turn { break-inside: avoid; } }
"""


def e(value: object) -> str:
    """HTML-escape anything from the record (quotes included: safe in attributes too)."""
    return escape("" if value is None else str(value), quote=True)


def when(value: str | None) -> str:
    """`2026-01-01T14:03:05.123Z` as `1 Jan 2026, 14:03 UTC`."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return value
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def clock_time(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).strftime("%H:%M:%S")
    except ValueError:
        return value


def decimal(value: float) -> str:
    """4.54 -> "4.54", 4.5 -> "4.5", 4.0 -> "4": as precise as the rule that used it, no more."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def meter(level: int | None) -> str:
    cells = "".join(f'<span class="{"on" if level and i <= level else ""}"></span>' for i in range(1, 6))
    return f'<span class="meter" aria-hidden="true">{cells}</span>'


def quotes(texts: Iterable[str], limit: int = MAX_EVIDENCE_PER_COMPETENCY) -> str:
    return "".join(f"<blockquote>&ldquo;{e(text)}&rdquo;</blockquote>" for text in list(texts)[:limit])


def render_report_html(record: InterviewRecordResponse) -> str:
    report = record.report
    interview = record.interview
    candidate = interview.candidate_name or interview.candidate_id
    job = report.job_title if report else f"Job {interview.job_id}"
    names = {c.competency_id: c.name for c in report.competencies} if report else {}
    parts = [
        _header(record, candidate, job),
        _notice(report),
        _decision(record),
        _outcome(report, record) if report else _no_report(record),
    ]
    if report:
        parts.append(_summary(report))
        parts.append(_competencies(report))
        parts.append(_steering(report))
        parts.append(_not_answered(report, record.turns))
        parts.append(_candidate_questions(report))
    parts.append(_answers(record.turns, names))
    parts.append(_transcript(record.turns))
    parts.append(_footer(record))
    title = f"Interview report: {candidate}, {job}"
    return PAGE.substitute(title=e(title), style=STYLE, body="\n".join(parts))


def _header(record: InterviewRecordResponse, candidate: str, job: str) -> str:
    interview = record.interview
    answered = sum(1 for turn in record.turns if turn.answer.strip())
    total = record.report.total_questions if record.report else interview.question_count
    facts = [
        ("Candidate", candidate),
        ("Interview", when(interview.started_at or interview.created_at)),
        ("Status", STATE_LABELS.get(interview.state, interview.state)),
        ("Answered", f"{answered} of {total} questions" if total else f"{answered} questions"),
    ]
    items = "".join(f"<div><dt>{e(label)}</dt><dd>{e(value)}</dd></div>" for label, value in facts)
    return (
        f'<header><p class="eyebrow">Interview report</p><h1>{e(job)}</h1>'
        f'<dl class="facts">{items}</dl></header>'
    )


def _notice(report: InterviewReport | None) -> str:
    notice = report.notice if report else HUMAN_DECISION_NOTICE
    return (
        f'<aside class="notice" role="note"><strong>A person makes the decision.</strong>{e(notice)}</aside>'
    )


def _decision(record: InterviewRecordResponse) -> str:
    """The decision a person recorded (the latest is in force), with the trail of earlier ones."""
    if record.decision is None:
        return (
            '<section class="callout decision" aria-labelledby="decision"><h2 id="decision">Decision</h2>'
            "<p>No decision has been recorded yet. A person on the hiring team makes it after reading this "
            "report.</p></section>"
        )
    latest = record.decision
    note = f"<p>{e(latest.note)}</p>" if latest.note else ""
    trail = ""
    if len(record.decisions) > 1:
        rows = "".join(
            f"<tr><td>{e(when(item.decided_at))}</td><td>{e(item.reviewer)}</td>"
            f"<td>{e(DECISION_LABELS.get(item.decision, item.decision))}</td>"
            f"<td>{e(item.note or '')}</td></tr>"
            for item in record.decisions
        )
        trail = (
            "<h3>Every decision recorded, oldest first</h3><table><thead><tr><th>When</th><th>Who</th>"
            f"<th>Decision</th><th>Note</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return (
        '<section class="callout decision" aria-labelledby="decision"><h2 id="decision">Decision</h2>'
        f'<p class="outcome-label">{e(DECISION_LABELS.get(latest.decision, latest.decision))}</p>'
        f"<p>Decided by <strong>{e(latest.reviewer)}</strong> on {e(when(latest.decided_at))}.</p>"
        f"{note}{trail}</section>"
    )


def _steering(report: InterviewReport) -> str:
    """Parts of answers that tried to steer the assessment: shown verbatim, none of them scored."""
    if not report.injections:
        return ""
    items = "".join(
        f"<li><strong>{e(INJECTION_LABELS.get(item.kind, item.kind))}</strong> "
        f'<span class="muted small">(question {e(item.question_id)})</span>'
        f"<blockquote>&ldquo;{e(item.text)}&rdquo;</blockquote></li>"
        for item in report.injections
    )
    return (
        '<section aria-labelledby="steering"><h2 id="steering">Attempts to steer the assessment</h2>'
        '<p class="muted small">These parts of the answers spoke to the assessment (the interviewer, '
        "its rubric, its scores, or whoever writes it up) instead of answering the question. They were not "
        "followed, not scored and never used as evidence.</p>"
        f'<ul class="plain">{items}</ul></section>'
    )


def _not_used(assessment: AnswerAssessment) -> str:
    """What the checks set aside in one assessment: flagged text, dropped quotes, lowered levels."""
    parts = []
    for finding in assessment.injections:
        label = INJECTION_LABELS.get(finding.kind, finding.kind)
        parts.append(
            f'<div class="flag"><strong>Not scored:</strong> {e(label)}'
            f"<blockquote>&ldquo;{e(finding.text)}&rdquo;</blockquote></div>"
        )
    for drop in assessment.dropped_quotes:
        parts.append(
            f'<p class="muted small"><strong>Quote not used</strong> ({e(drop.reason)}): '
            f"&ldquo;{e(drop.text)}&rdquo;</p>"
        )
    for change in assessment.adjustments:
        parts.append(
            f'<p class="muted small"><strong>Level lowered</strong> from {change.from_level} to '
            f"{change.to_level} ({e(change.competency_id.replace('_', ' '))}): {e(change.reason)}</p>"
        )
    return "".join(parts)


def _not_answered(report: InterviewReport, turns: list[RecordedTurn]) -> str:
    """Questions skipped at the candidate's request, and questions left without an answer: neither scored."""
    texts = {turn.question_id: f"Question {turn.index}. {turn.question}" for turn in turns}
    rows = [(qid, "Skipped at the candidate's request") for qid in report.skipped_questions]
    rows += [(qid, "No answer (left unanswered)") for qid in report.unanswered_questions]
    if not rows:
        return ""
    items = "".join(f"<li><strong>{e(why)}:</strong> {e(texts.get(qid, qid))}</li>" for qid, why in rows)
    return (
        '<section aria-labelledby="not-answered"><h2 id="not-answered">Skipped and unanswered questions</h2>'
        '<p class="muted small">These questions were not assessed and do not count as answered; they do not '
        "lower any score on their own (a competency no answer covered is shown as not assessed).</p>"
        f'<ul class="plain">{items}</ul></section>'
    )


def _candidate_questions(report: InterviewReport) -> str:
    """The candidate's own questions and what the interviewer said back, for the hiring team."""
    if not report.candidate_questions:
        return ""
    said = {
        "profile": "Answered from the job's own information",
        "passed_on": "Passed on to the hiring team: please get back to the candidate",
        "not_reached": "Not answered: the interview ended first; please get back to the candidate",
    }
    items = []
    for asked in report.candidate_questions:
        moment = (
            f"while question {asked.question_number} was open"
            if asked.asked_during == "questions" and asked.question_number
            else "at the end of the interview"
        )
        reply = f"<p><strong>Said back:</strong> {e(asked.said_back)}</p>" if asked.said_back else ""
        items.append(
            f"<li><blockquote>&ldquo;{e(asked.question)}&rdquo;</blockquote>"
            f'<p class="muted small">Asked {e(moment)}. {e(said.get(asked.source, asked.source))}.</p>'
            f"{reply}</li>"
        )
    return (
        '<section aria-labelledby="candidate-questions"><h2 id="candidate-questions">'
        "The candidate&rsquo;s questions</h2>"
        '<p class="muted small">Questions the candidate asked the interviewer. They are not part of any '
        "answer and are never scored.</p>"
        f'<ul class="plain">{"".join(items)}</ul></section>'
    )


def _no_report(record: InterviewRecordResponse) -> str:
    interview = record.interview
    state = STATE_LABELS.get(interview.state, interview.state)
    why = interview.error or interview.end_reason
    if interview.end_reason == "no_show":  # logic.room_status.end_reason: nobody ever joined
        why = "The candidate never joined (a no-show): nothing was asked or scored."
    detail = f" {e(why)}" if why else ""
    return (
        '<section class="callout"><h2>No report yet</h2>'
        f"<p>The interview is <strong>{e(state.lower())}</strong>.{detail} "
        "The answers recorded so far are below.</p></section>"
    )


def _outcome(report: InterviewReport, record: InterviewRecordResponse) -> str:
    label = OUTCOME_LABELS.get(report.suggested_outcome, report.suggested_outcome)
    unassessed = [c.name for c in report.competencies if c.level is None]
    if report.weighted_mean is None:
        overall = "No competency could be scored."
    elif report.suggested_outcome == "insufficient_evidence" and unassessed:
        overall = (
            f"Overall level <strong>{decimal(report.weighted_mean)} of 5</strong> over the competencies that "
            f"were assessed; no answer could be assessed for {e(', '.join(unassessed))}, so no outcome is "
            "suggested."
        )
    else:
        overall = (
            f"Overall level <strong>{decimal(report.weighted_mean)} of 5</strong>: the weighted average "
            f"of the {len(report.competencies)} competency levels below."
        )
    partial = ""
    if report.partial:
        partial = (
            '<p class="warning"><strong>Partial interview.</strong> '
            f"It ended early ({e(report.end_reason)}): "
            f"{report.questions_answered} of {report.total_questions} questions were answered, so the scores "
            "rest on less evidence than a full interview.</p>"
        )
    return (
        f'<section class="callout outcome-{e(report.suggested_outcome)}" aria-labelledby="outcome">'
        '<h2 id="outcome">Suggested outcome</h2>'
        f'<p class="outcome-label">{e(label)}</p><p>{overall}</p>'
        f'<p class="rule"><strong>The rule behind it:</strong> {e(report.outcome_rule)}</p>'
        f"{_statement(report)}{partial}</section>"
    )


def _statement(report: InterviewReport) -> str:
    """What the brain is and what its scores cannot tell, and the answers it could not assess."""
    parts = []
    if report.brain_statement:
        parts.append(f'<p class="rule"><strong>How it was scored:</strong> {e(report.brain_statement)}</p>')
    if report.unassessable_answers:
        items = "".join(f"<li>{e(text)}</li>" for text in report.unassessable_answers)
        parts.append(
            '<p class="rule"><strong>Not assessed, and not counted as weak:</strong></p>'
            f'<ul class="plain small">{items}</ul>'
        )
    return "".join(parts)


def _summary(report: InterviewReport) -> str:
    def bullets(items: list[str], empty: str) -> str:
        if not items:
            return f'<p class="muted">{e(empty)}</p>'
        return '<ul class="plain">' + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>"

    return (
        f'<section aria-labelledby="summary"><h2 id="summary">Summary</h2><p>{e(report.summary)}</p>'
        '<div class="columns">'
        f"<div><h3>Strengths</h3>{bullets(report.strengths, 'None stood out.')}</div>"
        f"<div><h3>Concerns</h3>{bullets(report.concerns, 'None raised.')}</div>"
        "</div></section>"
    )


def _competencies(report: InterviewReport) -> str:
    cards = []
    for competency in report.competencies:
        if competency.level is None:
            score = '<span class="score muted">Not assessed: no answer could be assessed for it</span>'
        else:
            answers = len(competency.question_ids)
            average = (
                f" (average {decimal(competency.mean_level)} over {answers} answers)"
                if competency.mean_level is not None and answers > 1
                else ""
            )
            score = f'<span class="score">{meter(competency.level)}{competency.level} / 5{e(average)}</span>'
        weight = (
            f'<span class="muted small">weight {competency.weight:g}</span>' if competency.weight != 1 else ""
        )
        why = "".join(f'<p class="small">{e(text)}</p>' for text in competency.rationales[:2])
        evidence = quotes(competency.evidence) or '<p class="muted small">No quote supports a score.</p>'
        head = f'<div class="competency-head"><h3>{e(competency.name)} {weight}</h3>{score}</div>'
        cards.append(f'<div class="competency">{head}{why}{evidence}</div>')
    flags = (
        ""
        if report.injections
        else "".join(f'<p class="flag">{e(FLAG_EXPLANATIONS.get(flag, flag))}</p>' for flag in report.flags)
    )
    return (
        '<section aria-labelledby="scores"><h2 id="scores">Scores by competency</h2>'
        '<p class="muted small">Each competency is scored 1 to 5 against the rubric; the quotes are the '
        "candidate's own words.</p>"
        f"{''.join(cards)}{flags}</section>"
    )


def _assessment_rows(assessments: list[CompetencyAssessment], names: dict[str, str]) -> str:
    rows = []
    for item in assessments:
        name = names.get(item.competency_id, item.competency_id.replace("_", " ").capitalize())
        rows.append(
            f"<tr><td>{e(name)}</td><td class='level'>{meter(item.level)}{item.level} / 5</td>"
            f"<td>{e(item.rationale)}{quotes(item.evidence, 3)}</td></tr>"
        )
    return (
        '<table><colgroup><col style="width:26%"><col style="width:20%"><col></colgroup>'
        "<thead><tr><th>Competency</th><th>Level</th><th>Why, with evidence</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _answers(turns: list[RecordedTurn], names: dict[str, str]) -> str:
    if not turns:
        return '<section><h2>Answers</h2><p class="muted">No question was asked.</p></section>'
    articles = []
    for turn in turns:
        assessment = turn.assessment
        if assessment is None and turn.status == "skipped":
            body = '<p class="muted">Skipped at the candidate&rsquo;s request; not assessed.</p>'
        elif assessment is None:
            body = f'<p class="muted">Not assessed ({e(turn.status)}).</p>'
        elif not assessment.assessable:
            reason = assessment.not_assessed_reason or "the brain could not assess it"
            body = f'<p class="muted">Not assessed, and not counted as weak: {e(reason)}.</p>' + _not_used(
                assessment
            )
        else:
            note = f'<p class="muted small">{e(assessment.note)}</p>' if assessment.note else ""
            flags = "".join(
                f'<p class="flag">{e(FLAG_EXPLANATIONS.get(flag, flag))}</p>' for flag in assessment.flags
            )
            body = _assessment_rows(assessment.competencies, names) + note + flags + _not_used(assessment)
        follow_ups = ""
        if turn.follow_ups:
            follow_ups = (
                f" &middot; {turn.follow_ups} follow-up question{'s' if turn.follow_ups != 1 else ''}"
            )
        answered = (
            f'<div class="answer"><span class="label">Answer</span><p>{e(turn.answer)}</p></div>'
            if turn.answer.strip()
            else '<p class="silence">No answer was given.</p>'
        )
        articles.append(
            f'<article class="turn"><h3>Question {turn.index}. {e(turn.question)}</h3>'
            f'<p class="muted small">Topic: {e(turn.category.replace("_", " "))}{follow_ups}</p>'
            f"{answered}{body}</article>"
        )
    return (
        '<section aria-labelledby="answers"><h2 id="answers">Each answer, assessed</h2>'
        + "".join(articles)
        + "</section>"
    )


def _transcript(turns: list[RecordedTurn]) -> str:
    lines = []
    for turn in turns:
        for exchange in turn.exchanges:
            lines.append(
                f'<div class="line agent"><div class="who">{e(SPEAKERS.get(exchange.kind, "Interviewer"))}'
                f'<span class="when">{e(clock_time(exchange.asked_at))}</span></div>'
                f"<p>{e(exchange.prompt)}</p></div>"
            )
            if exchange.answer:
                kind = REPLY_LABELS.get(exchange.reply_kind or "answer", "")
                label = f'<span class="when">{e(kind)}</span>' if kind else ""
                lines.append(
                    f'<div class="line candidate"><div class="who">Candidate<span class="when">'
                    f"{e(clock_time(exchange.answer_started_at or exchange.answer_ended_at))}</span>"
                    f"{label}</div><p>{e(exchange.answer)}</p></div>"
                )
            else:
                lines.append(
                    '<div class="line candidate"><div class="who">Candidate</div>'
                    '<p class="silence">(no answer)</p></div>'
                )
    if not lines:
        return ""
    return (
        '<section aria-labelledby="transcript"><h2 id="transcript">Transcript</h2><div class="transcript">'
        + "".join(lines)
        + "</div></section>"
    )


def _footer(record: InterviewRecordResponse) -> str:
    report = record.report
    interview = record.interview
    facts: list[tuple[str, str]] = []
    if report:
        facts += [
            ("Rubric version", report.rubric_version),
            ("Scored by", f"{report.brain} brain, model {report.model}"),
            ("What the scores use", INPUTS_STATEMENT),
            ("Report written", when(report.generated_at)),
        ]
        if report.dropped_quotes:
            facts.append(
                (
                    "Quotes not used",
                    f"{report.dropped_quotes} proposed quote(s) were not verbatim in the answers "
                    "and were dropped",
                )
            )
        facts += [("Note", note) for note in report.brain_notes]
    facts += [
        ("Ended", f"{STATE_LABELS.get(interview.state, interview.state)} {when(interview.ended_at)}".strip()),
        ("Interview id", interview.interview_id),
        ("Room", interview.room_name),
        ("Job id", interview.job_id),
    ]
    if interview.error:
        facts.append(("What went wrong", interview.error))
    rows = "".join(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>" for label, value in facts)
    return f'<footer><h2 class="small">How this report was made</h2><dl>{rows}</dl></footer>'
