// Memo downloads: the same request as the answer or listing check, with ?format=docx|md; the server's file
// (Content-Disposition names it) is handed to the browser as a download.
import { postForFile } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

function filename(res, fallback) {
  const cd = res.headers.get("Content-Disposition") || "";
  const m = cd.match(/filename="?([^";]+)"?/);
  return m ? m[1] : fallback;
}

export async function downloadMemo(path, body, format) {
  const res = await postForFile(path, body, { params: { format } });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename(res, `memo.${format}`) });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Two buttons (Word, Markdown) that download the memo of `request()` = [path, body]; errors land in `onError`. */
export function memoButtons(request, onError) {
  const button = (format, label) => {
    const b = h("button", { type: "button", class: "btn btn-small", dataset: { memo: format } }, label);
    b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        const [path, body] = request();
        await downloadMemo(path, body, format);
      } catch (err) {
        onError(err);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  return h("div", { class: "memo-actions", role: "group", "aria-label": t("memo.group") },
    button("docx", t("memo.docx")), " ", button("md", t("memo.md")));
}
