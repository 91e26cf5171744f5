// The backend API, called from the page's own origin with the key the person entered (sessionStorage).

const KEY = "interviewReview.apiKey";

export function savedKey() {
  return sessionStorage.getItem(KEY);
}

export function saveKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(method, path, body) {
  const headers = { Authorization: `Bearer ${savedKey() || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch {
    answer = {};
  }
  if (!response.ok) {
    throw new ApiError(response.status, answer.detail || `The server answered ${response.status}.`);
  }
  return answer;
}

const segment = encodeURIComponent;

export function jobInterviews(jobId, { state, decision, cursor }) {
  const query = new URLSearchParams();
  if (state) query.set("state", state);
  if (decision) query.set("decision", decision);
  if (cursor) query.set("cursor", cursor);
  query.set("limit", "50");
  return call("GET", `/jobs/${segment(jobId)}/interviews?${query}`);
}

export function interviewRecord(roomName) {
  return call("GET", `/interviews/${segment(roomName)}`);
}

export function recordDecision(roomName, decision) {
  return call("POST", `/interviews/${segment(roomName)}/decision`, decision);
}
