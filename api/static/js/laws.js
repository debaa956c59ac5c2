// The list of laws (GET /v1/laws), fetched once and shared by the views that need names or filters.
import { getJSON } from "./api.js";
import { state } from "./state.js";
import { pick } from "./util.js";

let cache = null;

export function loadLaws() {
  if (!cache) {
    cache = getJSON("/v1/laws", { limit: 2000 }).then((data) => {
      const list = Array.isArray(data) ? data : pick(data, "laws", "items", "results") || [];
      return list.map((l) => ({ ...l, law_id: pick(l, "law_id", "id") }));
    }).catch((err) => { cache = null; throw err; });
  }
  return cache;
}

export function lawName(law) {
  if (!law) return "";
  if (state.lang === "en" && law.title_en) return law.title_en;
  return law.title_zh || law.title_en || law.law_id;
}

export function lawSortKey(law) {
  return `${law.layer === "raw" ? 0 : 1}${law.title_zh || law.law_id}`;
}
