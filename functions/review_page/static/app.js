// The review page: a job's candidates side by side, one report at a time, and a person's decision.
// Routes (deep links): #/jobs/<jobId> and #/jobs/<jobId>/<roomName>. Every value from the API is set as
// text (textContent), never as markup: a candidate's words are data.

import * as api from "./api.js";

const $ = (id) => document.getElementById(id);
const STATE_ORDER = ["completed", "in_progress", "waiting_for_candidate", "launching", "requested", "abandoned", "failed"];
const DECISION_LABELS = { advance: "Advance", hold: "Hold", reject: "Reject" };
const OUTCOME_LABELS = {
  advance: "Advance",
  review: "Review",
  do_not_advance: "Do not advance",
  insufficient_evidence: "Insufficient evidence",
};

const view = {
  jobId: null,
  room: null,
  rows: [],
  cursor: null,
  sort: { key: "date", descending: true },
  filters: { state: "", decision: "" },
};

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function say(message, isError = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", isError);
}

function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function humanState(state) {
  return (state || "").replaceAll("_", " ");
}

// The row's level: the report's weighted mean, else the mean of the assessed competencies.
function levelOf(row) {
  if (typeof row.weightedMean === "number") return row.weightedMean;
  const levels = (row.competencies || []).map((c) => c.level).filter((l) => typeof l === "number");
  return levels.length ? levels.reduce((a, b) => a + b, 0) / levels.length : null;
}

function levelBar(label, level, { showLabel = true } = {}) {
  const wrapper = el("div", { class: showLabel ? "bar" : "bar bar-unlabelled" });
  const text = level === null || level === undefined ? "no evidence" : `${Number(level).toFixed(1).replace(/\.0$/, "")} of 5`;
  wrapper.append(
    el("span", { class: showLabel ? "bar-label" : "bar-label visually-hidden", text: label }),
    el("meter", { min: 0, max: 5, low: 2.5, high: 3.5, optimum: 5, value: level ?? 0, "aria-label": `${label}: ${text}` }),
    el("span", { class: "bar-value", text }),
  );
  return wrapper;
}

// -- key --------------------------------------------------------------------------------------------

function showKeyForm(message) {
  $("key-section").hidden = false;
  $("job-section").hidden = true;
  $("candidates-section").hidden = true;
  $("report-section").hidden = true;
  $("forget-key").hidden = true;
  if (message) say(message, true);
  $("api-key").focus();
}

function signedIn() {
  $("key-section").hidden = true;
  $("job-section").hidden = false;
  $("forget-key").hidden = false;
}

function handleError(error) {
  if (error instanceof api.ApiError && error.status === 401) {
    api.forgetKey();
    showKeyForm("That key was not accepted. Enter the backend API key again.");
    return;
  }
  say(error.message || "Something went wrong.", true);
}

// -- candidates ---------------------------------------------------------------------------------------

function sortedRows() {
  const { key, descending } = view.sort;
  const value = {
    date: (row) => row.createdAt || "",
    state: (row) => STATE_ORDER.indexOf(row.state),
    level: (row) => levelOf(row) ?? -1,
  }[key];
  const rows = [...view.rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x < y) return descending ? 1 : -1;
    if (x > y) return descending ? -1 : 1;
    return (b.createdAt || "").localeCompare(a.createdAt || "");
  });
  return rows;
}

function renderCandidates() {
  const body = $("candidates").querySelector("tbody");
  body.replaceChildren();
  for (const row of sortedRows()) {
    const level = levelOf(row);
    const competencies = el("div", { class: "bars" });
    for (const competency of row.competencies || []) competencies.append(levelBar(competency.name, competency.level));
    if (!row.competencies || row.competencies.length === 0) competencies.append(el("span", { class: "muted", text: "no report yet" }));
    const open = el("button", { type: "button", class: "open", "data-room": row.roomName, text: "Open report" });
    open.setAttribute("aria-label", `Open the report of ${row.candidateName || row.candidateId}`);
    open.addEventListener("click", () => {
      location.hash = `#/jobs/${encodeURIComponent(view.jobId)}/${encodeURIComponent(row.roomName)}`;
    });
    const tr = el(
      "tr",
      { "data-room": row.roomName, class: row.roomName === view.room ? "selected" : null },
      el("th", { scope: "row" }, el("span", { class: "name", text: row.candidateName || row.candidateId }),
        row.candidateName ? el("span", { class: "muted id", text: row.candidateId }) : null),
      el("td", { class: "state", text: humanState(row.state) }),
      el("td", { class: "date" }, el("time", { datetime: row.createdAt, text: when(row.createdAt) })),
      el("td", { class: "level" }, level === null ? el("span", { class: "muted", text: "-" }) : levelBar("Overall level", level, { showLabel: false })),
      el("td", {}, competencies),
      el(
        "td",
        {},
        el("span", { class: "outcome", text: OUTCOME_LABELS[row.suggestedOutcome] || "" }),
        row.rubricVersion ? el("span", { class: "muted rubric", text: `rubric ${row.rubricVersion}` }) : null,
      ),
      el("td", { class: "decision", text: row.decision ? DECISION_LABELS[row.decision.decision] : "" }),
      el("td", {}, open),
    );
    body.append(tr);
  }
  $("empty").hidden = view.rows.length > 0;
  $("more").hidden = !view.cursor;
  for (const th of $("candidates").querySelectorAll("th[data-sort]")) {
    const active = th.dataset.sort === view.sort.key;
    th.setAttribute("aria-sort", active ? (view.sort.descending ? "descending" : "ascending") : "none");
  }
}

async function loadCandidates({ append = false } = {}) {
  try {
    say(append ? "Loading more interviews…" : "Loading interviews…");
    const page = await api.jobInterviews(view.jobId, { ...view.filters, cursor: append ? view.cursor : null });
    view.rows = append ? [...view.rows, ...page.interviews] : page.interviews;
    view.cursor = page.nextCursor;
    $("candidates-heading").textContent = `Candidates for job ${view.jobId}`;
    $("candidates-section").hidden = false;
    renderCandidates();
    say(`${view.rows.length} interview${view.rows.length === 1 ? "" : "s"} of job ${view.jobId}.`);
  } catch (error) {
    handleError(error);
  }
}

// -- one report ---------------------------------------------------------------------------------------

// The name the table shows (it also knows the name from the candidate details), else the record's.
function candidateLabel(interview) {
  const row = view.rows.find((r) => r.roomName === interview.roomName);
  return (row && row.candidateName) || interview.candidateName || interview.candidateId;
}

function renderReport(record) {
  const container = $("report");
  container.replaceChildren();
  const interview = record.interview;
  const report = record.report;
  $("report-heading").textContent = `Report: ${candidateLabel(interview)}`;
  const facts = el("dl", { class: "facts" });
  const fact = (term, value) => {
    if (value === null || value === undefined || value === "") return;
    facts.append(el("dt", { text: term }), el("dd", { text: String(value) }));
  };
  fact("State", humanState(interview.state));
  fact("Started", when(interview.startedAt || interview.createdAt));
  fact("Room", interview.roomName);
  if (report) {
    fact("Suggested outcome", OUTCOME_LABELS[report.suggested_outcome] || report.suggested_outcome);
    fact("Rubric version", report.rubric_version);
    fact("Assessed by", `${report.brain} (${report.model})`);
  }
  container.append(facts);
  if (!report) {
    container.append(el("p", { text: "This interview has no report yet." }));
    return;
  }
  container.append(el("p", { class: "notice", text: report.notice }));
  container.append(el("h3", { text: "Summary" }), el("p", { text: report.summary }));
  const list = el("ul", { class: "competencies" });
  for (const competency of report.competencies) {
    const item = el("li", {}, levelBar(competency.name, competency.level));
    for (const rationale of competency.rationales || []) item.append(el("p", { class: "rationale", text: rationale }));
    if (competency.evidence && competency.evidence.length) {
      const quotes = el("ul", { class: "evidence", "aria-label": `Evidence for ${competency.name}` });
      for (const quote of competency.evidence) quotes.append(el("li", {}, el("q", { text: quote })));
      item.append(quotes);
    }
    list.append(item);
  }
  container.append(el("h3", { text: "Competencies" }), list);
  const lists = [
    ["Strengths", report.strengths],
    ["Concerns", report.concerns],
  ];
  for (const [title, items] of lists) {
    if (!items || !items.length) continue;
    const ul = el("ul");
    for (const text of items) ul.append(el("li", { text }));
    container.append(el("h3", { text: title }), ul);
  }
  if (report.injections && report.injections.length) {
    const ul = el("ul");
    for (const injection of report.injections) ul.append(el("li", {}, el("q", { text: injection.text }), ` (${injection.kind}, not scored)`));
    container.append(el("h3", { text: "Attempts to steer the assessment" }), ul);
  }
  container.append(el("p", { class: "muted", text: report.outcome_rule }));
  if (record.turns && record.turns.length) {
    const details = el("details", {}, el("summary", { text: "Questions and answers" }));
    for (const turn of record.turns) {
      details.append(el("h4", { text: `${turn.index + 1}. ${turn.question}` }), el("p", { text: turn.answer || "(no answer)" }));
    }
    container.append(details);
  }
}

function renderTrail(decisions) {
  const trail = $("trail");
  trail.replaceChildren();
  for (const decision of decisions || []) {
    const item = el(
      "li",
      {},
      el("strong", { text: DECISION_LABELS[decision.decision] }),
      ` by ${decision.reviewer}, `,
      el("time", { datetime: decision.decidedAt, text: when(decision.decidedAt) }),
    );
    if (decision.note) item.append(el("p", { class: "note", text: decision.note }));
    trail.append(item);
  }
  $("no-trail").hidden = (decisions || []).length > 0;
}

async function openReport(room) {
  try {
    say("Loading the report…");
    const record = await api.interviewRecord(room);
    renderReport(record);
    renderTrail(record.decisions);
    $("decision-form").hidden = ["requested", "launching", "waiting_for_candidate", "in_progress"].includes(record.interview.state);
    $("report-section").hidden = false;
    $("report-heading").focus();
    say(`Report of ${candidateLabel(record.interview)} opened.`);
  } catch (error) {
    handleError(error);
  }
}

async function submitDecision(event) {
  event.preventDefault();
  const form = event.target;
  const data = new FormData(form);
  const reviewer = String(data.get("reviewer") || "").trim();
  sessionStorage.setItem("interviewReview.reviewer", reviewer);
  const body = { reviewer, decision: data.get("decision") };
  const note = String(data.get("note") || "").trim();
  if (note) body.note = note;
  try {
    const answer = await api.recordDecision(view.room, body);
    renderTrail(answer.decisions);
    const row = view.rows.find((r) => r.roomName === view.room);
    if (row) {
      row.decision = { decision: answer.decision.decision, reviewer: answer.decision.reviewer, decidedAt: answer.decision.decidedAt };
      renderCandidates();
    }
    $("note").value = "";
    say(`Decision recorded: ${DECISION_LABELS[answer.decision.decision]}.`);
  } catch (error) {
    handleError(error);
  }
}

// -- routing ------------------------------------------------------------------------------------------

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "jobs" && parts[1]) return { jobId: parts[1], room: parts[2] || null };
  return { jobId: null, room: null };
}

async function route() {
  if (!api.savedKey()) {
    showKeyForm();
    return;
  }
  signedIn();
  const { jobId, room } = parseHash();
  if (!jobId) {
    $("candidates-section").hidden = true;
    $("report-section").hidden = true;
    $("job-id").focus();
    return;
  }
  $("job-id").value = jobId;
  if (jobId !== view.jobId || view.rows.length === 0) {
    view.jobId = jobId;
    await loadCandidates();
  }
  const closed = view.room && !room ? view.room : null;
  view.room = room;
  renderCandidates();
  if (room) {
    await openReport(room);
  } else {
    $("report-section").hidden = true;
    // Back from a report: focus returns to the button that opened it.
    const opener = closed && [...document.querySelectorAll("button.open")].find((b) => b.dataset.room === closed);
    if (opener) opener.focus();
  }
}

function setUp() {
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("api-key").value.trim();
    if (!key) return;
    api.saveKey(key);
    $("api-key").value = "";
    say("Key saved for this tab.");
    route();
  });
  $("forget-key").addEventListener("click", () => {
    api.forgetKey();
    view.rows = [];
    view.jobId = null;
    showKeyForm();
    say("Key forgotten.");
  });
  $("job-form").addEventListener("submit", (event) => {
    event.preventDefault();
    view.filters = { state: $("filter-state").value, decision: $("filter-decision").value };
    const jobId = $("job-id").value.trim();
    const target = `#/jobs/${encodeURIComponent(jobId)}`;
    view.rows = [];
    if (location.hash === target) route();
    else location.hash = target;
  });
  for (const button of document.querySelectorAll("th button[data-sort]")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort;
      view.sort = { key, descending: view.sort.key === key ? !view.sort.descending : key !== "state" };
      renderCandidates();
      say(`Sorted by ${key}, ${view.sort.descending ? "highest or newest first" : "lowest or oldest first"}.`);
    });
  }
  $("more").addEventListener("click", () => loadCandidates({ append: true }));
  $("close-report").addEventListener("click", () => {
    location.hash = `#/jobs/${encodeURIComponent(view.jobId)}`;
  });
  $("decision-form").addEventListener("submit", submitDecision);
  $("reviewer").value = sessionStorage.getItem("interviewReview.reviewer") || "";
  window.addEventListener("hashchange", route);
  route();
}

setUp();
