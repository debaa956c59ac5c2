// Calls to the JSON API. Errors arrive in one envelope {"error": {code, message, details?, request_id?}};
// they become ApiError so views can show the server's message.
import { SSEParser } from "./sse.js";

export class ApiError extends Error {
  constructor(status, code, message, details, requestId) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }
}

// When the server is configured with API keys, the user enters one once per browser session.
export function apiKey() { return sessionStorage.getItem("kb.apiKey") || ""; }
export function setApiKey(key) { if (key) sessionStorage.setItem("kb.apiKey", key); else sessionStorage.removeItem("kb.apiKey"); }

function headers(extra) {
  const out = { ...extra };
  const key = apiKey();
  if (key) out["X-API-Key"] = key;
  return out;
}

async function toError(res) {
  if (res.status === 401) window.dispatchEvent(new CustomEvent("kb:auth-required"));
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  const err = (body && body.error) || {};
  let message = err.message;
  if (!message && body && typeof body.detail === "string") message = body.detail;
  return new ApiError(res.status, err.code || "http_error", message || `HTTP ${res.status}`, err.details, err.request_id);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === "") continue;
    q.set(k, String(v));
  }
  const str = q.toString();
  return str ? `?${str}` : "";
}

export async function getJSON(path, params, { signal } = {}) {
  const res = await fetch(path + query(params), { headers: headers({ Accept: "application/json" }), signal });
  if (!res.ok) throw await toError(res);
  return res.json();
}

export async function postJSON(path, body, { signal, params } = {}) {
  const res = await fetch(path + query(params), {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: "application/json" }),
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok) throw await toError(res);
  return res.json();
}

/** POST JSON; returns the raw Response (a file to download: a memo, a CSV). */
export async function postForFile(path, body, { params, signal } = {}) {
  const res = await fetch(path + query(params), {
    method: "POST",
    headers: headers({ "Content-Type": "application/json" }),
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok) throw await toError(res);
  return res;
}

/** POST a file as multipart/form-data; returns the raw Response (JSON or CSV). */
export async function postFile(path, file, { params, signal, field = "file" } = {}) {
  const form = new FormData();
  form.append(field, file, file.name);
  const res = await fetch(path + query(params), { method: "POST", body: form, signal, headers: headers({}) });
  if (!res.ok) throw await toError(res);
  return res;
}

/** POST JSON and read a server-sent event stream; onEvent(name, data) per event. */
export async function postStream(path, body, onEvent, { signal } = {}) {
  const res = await fetch(path, {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok) throw await toError(res);
  const parser = new SSEParser(onEvent);
  if (!res.body) { parser.push(new Uint8Array(await res.arrayBuffer())); parser.end(); return; }
  const reader = res.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.push(value);
  }
  parser.end();
}
