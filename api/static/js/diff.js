// Character-level diff for Chinese, word-level for English (LCS over tokens), used to show what changed
// between two versions of an article. Returns [{op: "eq"|"ins"|"del", text}].

const MAX_CELLS = 4_000_000;

export function tokenize(text) {
  const str = String(text || "");
  if (/[\u3400-\u9fff]/.test(str)) return Array.from(str); // Chinese: per character
  return str.match(/\s+|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) || [];
}

function merge(ops) {
  const out = [];
  for (const op of ops) {
    const last = out[out.length - 1];
    if (last && last.op === op.op) last.text += op.text;
    else out.push({ ...op });
  }
  return out;
}

export function diff(before, after) {
  const a = tokenize(before);
  const b = tokenize(after);
  // Trim the common prefix and suffix first; statute amendments usually touch a few words.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const head = a.slice(0, start).join("");
  const tail = a.slice(endA).join("");
  const ma = a.slice(start, endA);
  const mb = b.slice(start, endB);
  const ops = [];
  if (head) ops.push({ op: "eq", text: head });
  const n = ma.length;
  const m = mb.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    if (n) ops.push({ op: "del", text: ma.join("") });
    if (m) ops.push({ op: "ins", text: mb.join("") });
  } else {
    const width = m + 1;
    const table = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i * width + j] = ma[i] === mb[j]
          ? table[(i + 1) * width + j + 1] + 1
          : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (ma[i] === mb[j]) { ops.push({ op: "eq", text: ma[i] }); i++; j++; }
      else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) { ops.push({ op: "del", text: ma[i] }); i++; }
      else { ops.push({ op: "ins", text: mb[j] }); j++; }
    }
    while (i < n) ops.push({ op: "del", text: ma[i++] });
    while (j < m) ops.push({ op: "ins", text: mb[j++] });
  }
  if (tail) ops.push({ op: "eq", text: tail });
  return align(cleanup(merge(ops)));
}

const BREAKS = new Set(["\n", "。", "；", "：", ".", ";", ":"]);

function boundaryScore(before, text, after) {
  let score = 0;
  if (!before || BREAKS.has(before.slice(-1))) score += 2;
  if (text.startsWith("\n")) score += 1;
  if (!after || after.startsWith("\n") || BREAKS.has(text.slice(-1))) score += 1;
  return score;
}

/** A lone insertion or deletion can often slide along repeated text (…的混淆行为。[+…混淆行为。]); put it
 *  where it starts and ends at a sentence or line break, as a reader would. */
export function align(ops) {
  const out = ops.map((o) => ({ ...o }));
  for (let i = 0; i < out.length; i++) {
    const op = out[i];
    if (op.op === "eq") continue;
    const prev = out[i - 1];
    const next = out[i + 1];
    if ((prev && prev.op !== "eq") || (next && next.op !== "eq")) continue;
    let a = Array.from(prev ? prev.text : "");
    let x = Array.from(op.text);
    let c = Array.from(next ? next.text : "");
    while (a.length && a[a.length - 1] === x[x.length - 1]) { c.unshift(a.pop()); x.unshift(x.pop()); } // leftmost
    let best = { score: boundaryScore(a.join(""), x.join(""), c.join("")), a: a.join(""), x: x.join(""), c: c.join("") };
    while (c.length && c[0] === x[0]) {
      a.push(c.shift());
      x.push(x.shift());
      const score = boundaryScore(a.join(""), x.join(""), c.join(""));
      if (score >= best.score) best = { score, a: a.join(""), x: x.join(""), c: c.join("") };
    }
    if (prev) prev.text = best.a;
    op.text = best.x;
    if (next) next.text = best.c;
  }
  return out.filter((o) => o.text);
}

/** Readability: a tiny equality (≤ 2 characters) between two changes is folded into them, and each run of
 *  changes is shown as one deletion followed by one insertion, not as confetti. */
export function cleanup(ops) {
  const out = [];
  let del = "";
  let ins = "";
  const flush = () => {
    if (del) out.push({ op: "del", text: del });
    if (ins) out.push({ op: "ins", text: ins });
    del = "";
    ins = "";
  };
  ops.forEach((op, i) => {
    const between = i > 0 && i < ops.length - 1 && ops[i - 1].op !== "eq" && ops[i + 1].op !== "eq";
    if (op.op === "eq" && between && Array.from(op.text).length <= 2) { del += op.text; ins += op.text; return; }
    if (op.op === "eq") { flush(); out.push(op); return; }
    if (op.op === "del") del += op.text; else ins += op.text;
  });
  flush();
  return out;
}
