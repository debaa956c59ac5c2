// Chat: questions in English or Chinese, answers streamed over SSE, citations linked to the article
// viewer, refusals shown as refusals. The conversation survives route changes (module state) and is sent as
// `history` with each question, so a follow-up ("and if I only copy his voice?") is read with the earlier
// question; "New conversation" clears it.
import { ApiError, postJSON, postStream } from "../api.js";
import { renderCitations } from "../citations.js";
import { memoButtons } from "../download.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { state } from "../state.js";
import { asArray, pick } from "../util.js";

const messages = [];
const HISTORY_TURNS = 40;  // the server's default max_history_turns
const HISTORY_TURN_CHARS = 4000;  // an answer is sent shortened: the server reads the earlier questions, not the answers

function conversation() {
  // The finished exchanges so far, oldest first, as {role, content} turns.
  const turns = [];
  for (const m of messages) {
    if (m.role === "user") turns.push({ role: "user", content: m.text.slice(0, HISTORY_TURN_CHARS) });
    else if (!m.streaming && !m.error && m.answer) turns.push({ role: "assistant", content: m.answer.slice(0, HISTORY_TURN_CHARS) });
  }
  return turns.slice(-HISTORY_TURNS);
}
let busy = false;
let logEl = null;
let clearEl = null;
let controller = null;
let draft = "";

const EXAMPLES = {
  en: [
    "Can I sell a silicone mask that copies a celebrity's face?",
    "Is it lawful to advertise a mask as able to fool face recognition?",
  ],
  zh: [
    "未经同意制作、销售与明星面部相同的硅胶面具是否侵犯肖像权？",
    "宣传面具可以通过人脸识别验证是否违法？",
  ],
};

function renderAnswerText(text, citations) {
  // "[n]" markers become links to citation n; everything else stays text.
  return String(text || "").split(/\n{2,}|\n/).filter((p) => p.trim()).map((para) => {
    const parts = [];
    let last = 0;
    for (const m of para.matchAll(/\[(\d{1,2})\]/g)) {
      const n = Number(m[1]);
      if (n < 1 || n > citations.length) continue;
      parts.push(para.slice(last, m.index));
      parts.push(h("a", { href: "#/chat", class: "cite-ref", dataset: { cite: String(n) } }, m[0]));
      last = m.index + m[0].length;
    }
    parts.push(para.slice(last));
    return h("p", null, parts);
  });
}

function answerBody(msg) {
  // A follow-up's answer opens with a line naming the earlier question it was read with (API clients and memos need
  // it); the page shows that once, as the follow-up note above the answer, so the line is not repeated here.
  const fu = msg.followup;
  const frame = fu && fu.is_followup && typeof fu.frame === "string" ? fu.frame : "";
  if (frame && msg.answer.startsWith(frame)) return msg.answer.slice(frame.length).replace(/^\s+/, "");
  if (frame && frame.startsWith(msg.answer)) return "";  // still streaming that line
  return msg.answer;
}

function renderMessage(msg, idx) {
  if (msg.role === "user") {
    return h("div", { class: "msg msg-user" },
      h("div", { class: "msg-who" }, t("chat.you"), msg.asOf ? h("span", { class: "muted" }, ` · ${t("asof.label")} ${msg.asOf}`) : null),
      h("p", { class: "msg-text" }, msg.text));
  }
  const cls = ["msg", "msg-bot"];
  if (msg.refused) cls.push("msg-refused");
  if (msg.error) cls.push("msg-error");
  const body = [];
  if (msg.refused) {
    body.push(h("div", { class: "refusal-head", role: "note" },
      h("span", { class: "badge badge-refused" }, t("chat.refused")), " ", t("chat.refusedExplain")));
    if (msg.reason) body.push(h("p", { class: "refusal-reason" }, h("strong", null, `${t("chat.reason")}: `), msg.reason));
  }
  if (msg.followup && msg.followup.is_followup) {
    body.push(h("p", { class: "followup-note", role: "note", dataset: { testid: "followup" } },
      h("span", { class: "badge badge-followup" }, t("chat.followup")), " ",
      t("chat.followupOf", { q: msg.followup.context_from_history || "" })));
  }
  if (msg.error) body.push(h("p", { class: "error-text", role: "alert" }, `${t("error.prefix")}: ${msg.error}`));
  const shown = answerBody(msg);
  if (shown) body.push(h("div", { class: "answer", dataset: { testid: "answer" } }, renderAnswerText(shown, msg.citations)));
  if (msg.streaming && !msg.answer && !msg.refused) body.push(h("p", { class: "muted pulse" }, t("chat.thinking")));
  if (msg.issues && msg.issues.length) {
    body.push(h("div", { class: "issues" }, h("span", { class: "muted" }, `${t("chat.issues")}: `),
      msg.issues.map((i) => h("span", { class: "chip", title: typeof i === "string" ? null : pick(i, "summary") || null },
        typeof i === "string" ? i : pick(i, "label", "name", "id") || ""))));
  }
  if (msg.citations.length) {
    const list = renderCitations(msg.citations);
    list.querySelectorAll("li.citation").forEach((li, i) => { li.id = `m${idx}-cite-${i + 1}`; });
    body.push(h("h3", { class: "cites-title" }, t("chat.citations", { n: msg.citations.length })), list);
  }
  if (msg.evidence !== undefined && msg.evidence !== null && !msg.streaming) {
    body.push(h("p", { class: "muted small" }, t("chat.evidence", { score: Number(msg.evidence).toFixed(2) })));
  }
  if (!msg.streaming && !msg.error && msg.request && (msg.answer || msg.refused)) {
    body.push(memoButtons(() => ["/v1/ask", msg.request], (err) => { msg.error = err.message; paint(); }));
  }
  const el = h("div", { class: cls, "aria-busy": msg.streaming ? "true" : "false" },
    h("div", { class: "msg-who" }, t("chat.kb")), body);
  el.querySelectorAll("a.cite-ref").forEach((a) => {
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      const target = el.querySelector(`#m${idx}-cite-${a.dataset.cite}`);
      if (target) { target.scrollIntoView({ block: "nearest" }); target.classList.add("flash"); setTimeout(() => target.classList.remove("flash"), 1200); }
    });
  });
  return el;
}

function paint() {
  if (!logEl) return;
  if (clearEl) clearEl.hidden = !messages.length;  // "New conversation": there is one to leave
  if (!messages.length) {
    replace(logEl, h("div", { class: "empty" },
      h("p", null, t("chat.empty")),
      h("div", { class: "examples" }, EXAMPLES[state.lang].map((q) =>
        h("button", { type: "button", class: "btn btn-chip", onclick: () => ask(q) }, q)))));
    return;
  }
  replace(logEl, messages.map(renderMessage));
}

function revealLatest() {
  const last = logEl && logEl.querySelector(".msg-user:last-of-type, .msg:nth-last-child(2)");
  if (last) last.scrollIntoView({ block: "start", behavior: "smooth" });
}

function applyFinal(msg, data) {
  if (!data || typeof data !== "object") return;
  const answer = pick(data, "answer");
  if (typeof answer === "string" && answer.length >= msg.answer.length) msg.answer = answer;
  const cites = pick(data, "citations");
  if (Array.isArray(cites) && cites.length) msg.citations = cites;
  if (data.refused !== undefined) msg.refused = Boolean(data.refused);
  const reason = pick(data, "refusal_reason", "reason");
  if (reason) msg.reason = reason;
  if (data.issues) msg.issues = asArray(data.issues);
  if (data.followup) msg.followup = data.followup;
  const ev = pick(data, "evidence_score");
  if (ev !== undefined) msg.evidence = ev;
}

function onEvent(msg, name, data) {
  switch (name) {
    case "citations":
      msg.citations = asArray(Array.isArray(data) ? data : pick(data, "citations"));
      if (data && data.refused !== undefined) msg.refused = Boolean(data.refused);
      if (data && data.evidence_score !== undefined) msg.evidence = data.evidence_score;
      if (data && data.followup) msg.followup = data.followup;
      break;
    case "delta": case "answer": case "token": case "message": case "text": {
      const piece = typeof data === "string" ? data : pick(data, "delta", "text", "content", "answer");
      if (typeof piece === "string") msg.answer += piece;
      break;
    }
    case "refusal": case "refused":
      msg.refused = true;
      msg.reason = typeof data === "string" ? data : pick(data, "refusal_reason", "reason", "message") || msg.reason;
      break;
    case "issues":
      msg.issues = asArray(Array.isArray(data) ? data : pick(data, "issues"));
      break;
    case "error":
      msg.error = typeof data === "string" ? data : pick(data, "message", "code") || "error";
      break;
    case "done": case "final": case "end":
      applyFinal(msg, data);
      break;
    default:
      break;
  }
  paint();
}

async function ask(question) {
  const text = String(question || "").trim();
  if (!text || busy) return;
  busy = true;
  const asOf = state.asOf || "";
  const history = conversation();  // before this question joins it
  messages.push({ role: "user", text, asOf });
  const msg = { role: "bot", answer: "", citations: [], refused: false, reason: "", issues: [], streaming: true };
  messages.push(msg);
  paint();
  revealLatest();
  setBusy(true);
  const body = { question: text };  // the answer follows the question's language; the UI language sets only the chrome
  if (asOf) body.as_of = asOf;
  if (history.length) body.history = history;
  msg.request = body;  // the memo download asks the same question again with ?format=docx|md
  controller = new AbortController();
  try {
    await postStream("/v1/ask/stream", body, (name, data) => onEvent(msg, name, data), { signal: controller.signal });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) {
      try { applyFinal(msg, await postJSON("/v1/ask", body)); } catch (err2) { msg.error = err2.message; }
    } else if (err.name !== "AbortError") {
      msg.error = err.message;
    }
  } finally {
    msg.streaming = false;
    busy = false;
    controller = null;
    paint();
    setBusy(false);
  }
}

let formEls = null;
function setBusy(on) {
  if (!formEls) return;
  formEls.button.disabled = on;
  formEls.button.textContent = on ? t("chat.asking") : t("chat.ask");
  if (!on) formEls.input.focus({ preventScroll: true });
}

function hintText() {
  return `${t("chat.hint")} ${state.asOf ? t("chat.asOfSet", { date: state.asOf }) : t("chat.asOfToday")}`;
}

export function refreshHint() {
  const el = document.getElementById("question-hint");
  if (el) el.textContent = hintText();
}

export function render(main) {
  logEl = h("div", { class: "chat-log", role: "log", "aria-live": "polite", "aria-label": t("chat.logLabel") });
  const input = h("textarea", {
    id: "question", name: "question", rows: "3", required: true, maxlength: "4000",
    placeholder: t("chat.placeholder"), "aria-describedby": "question-hint",
  });
  input.value = draft;
  input.addEventListener("input", () => { draft = input.value; });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); }
  });
  const button = h("button", { type: "submit", class: "btn btn-primary" }, busy ? t("chat.asking") : t("chat.ask"));
  button.disabled = busy;
  clearEl = h("button", { type: "button", class: "btn btn-ghost", dataset: { testid: "new-conversation" }, onclick: () => {
    if (controller) controller.abort();
    messages.length = 0;
    paint();
    input.focus({ preventScroll: true });
  } }, t("chat.clear"));
  const form = h("form", { class: "chat-form", onsubmit: (ev) => {
    ev.preventDefault();
    const q = input.value;
    if (!q.trim()) { input.focus(); return; }
    input.value = "";
    draft = "";
    ask(q);
  } },
  h("label", { for: "question", class: "label" }, t("chat.label")),
  input,
  h("div", { class: "form-row" },
    h("span", { id: "question-hint", class: "muted small" }, hintText()),
    h("span", { class: "spacer" }),
    clearEl,
    button));
  formEls = { input, button };
  replace(main, h("section", { class: "view view-chat", "aria-labelledby": "chat-title" },
    h("h1", { id: "chat-title", tabindex: "-1" }, t("chat.title")),
    logEl, form));
  paint();
  return { focus: () => input.focus() };
}
