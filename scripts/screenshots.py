"""Screenshots of the answers for issue 12 and a memo read back, regenerated from a running index.

    KB_DATA_DIR=/tmp/chat-data KB_VECTOR_CACHE_DIR=/tmp/kbfull/vector-cache \
        python scripts/screenshots.py [--out artifacts/screenshots] [--memo artifacts/memo-sample.md]

Starts the app (uvicorn, a free loopback port) over the index the KB_* environment names, drives Debian's chromium
through Playwright, and writes issue12-*.png plus README.md (what was asked for each) into --out; then asks one
question with ?format=docx and writes the memo's text as python-docx reads it back to --memo. The questions are
this script's own (none from the evaluation sets)."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 900}
MAX_HEIGHT = 2200  # px of one exchange: the short answer, the analysis's start and the first citations


@dataclass(frozen=True)
class Shot:
    name: str
    ui_lang: str  # the interface's language (the answer follows the question's)
    questions: tuple[str, ...]  # asked in turn in one conversation; the last exchange(s) are shot
    what: str


SHOTS = (
    Shot("issue12-answer-zh", "zh", ("某直播带货账号未经授权，把一位退役运动员的照片印在硅胶面具包装上销售，需要承担什么责任？",),
         "A Chinese answer (Chinese UI): short answer with the governing article, then the analysis by issue"),
    Shot("issue12-answer-en", "en", ("Our store wants to say in its ads that the silicone mask gets past facial-recognition checks at banks. Is that allowed?",),
         "An English answer (English UI): the rule, the Chinese quote with the English text beside it"),
    Shot("issue12-followup", "en", ("Can a seller offer latex masks sculpted to look like a famous comedian without his permission?",
                                    "and if I only copy his voice?"),
         "A follow-up exchange: the second question is read with the first (marked Follow-up) and cites 民法典第一千零二十三条"),
    Shot("issue12-followup-zh", "zh", ("未经同意，按某位主持人的长相制作硅胶面具并在网上出售，会侵犯什么权利？", "那如果只是用他的名字呢？"),
         "A Chinese follow-up: name rights (民法典第一千零一十二条/第一千零一十四条) read with the earlier question"),
    Shot("issue12-refusal", "en", ("Under Singapore law, do I need a licence to import silicone masks for resale?",),
         "A refusal: a foreign jurisdiction's law; it says what was searched and the nearest laws"),
)
LISTING = ("issue12-listing", "超写实硅胶面具 某某女星同款脸 可骗过刷脸验证",
           "无需本人同意，按明星高清照片3D建模定制，戴上后亲友也分辨不出。",
           "The listing check: findings per category with the spans highlighted, citations, and the rewritten listing")
MEMO_Q = "在电商平台销售仿照真人面部制作的硅胶面具，平台在什么情况下要承担连带责任？"


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    from kb.bench import free_port

    port = free_port()
    env = {**os.environ, "KB_LOG_LEVEL": "WARNING", "HF_HUB_OFFLINE": "1", "KB_RATE_LIMIT_PER_MINUTE": "0",
           "KB_REQUEST_TIMEOUT": "300", "KB_LLM_BASE_URL": "", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"], cwd=REPO, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"uvicorn exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/v1/laws", params={"limit": 1}, timeout=60).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("uvicorn did not come up")


def ask(page: Any, question: str) -> Any:
    from playwright.sync_api import expect

    bots = page.locator(".msg-bot")
    before = bots.count()
    box = page.locator("#question")
    box.fill(question)
    box.press("Enter")
    expect(bots).to_have_count(before + 1, timeout=300_000)
    expect(bots.last).to_have_attribute("aria-busy", "false", timeout=300_000)
    return bots.last


def shoot_exchange(page: Any, path: Path) -> None:
    """The last question and its answer, cut at MAX_HEIGHT (a long answer's later citations add little). The question
    form, sticky at the window's foot, is put back in the flow so it does not cover the answer in a full-page shot."""
    page.evaluate("document.querySelector('.chat-form').style.position = 'static'")  # CSSOM: allowed by the CSP
    box = page.evaluate("""() => {
        const abs = (el) => { const r = el.getBoundingClientRect(); return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; };
        const users = document.querySelectorAll('.msg-user'), bots = document.querySelectorAll('.msg-bot');
        return {log: abs(document.querySelector('.chat-log')), user: abs(users[users.length - 1]), bot: abs(bots[bots.length - 1])};
    }""")  # page coordinates (a full-page clip is in page, not viewport, coordinates)
    top = box["user"]["y"] - 8
    bottom = min(box["bot"]["y"] + box["bot"]["h"] + 8, top + MAX_HEIGHT)
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": box["log"]["x"], "y": top, "width": box["log"]["w"], "height": bottom - top})


def shoot(browser: Any, url: str, out: Path) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for shot in SHOTS:
        ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN" if shot.ui_lang == "zh" else "en-US")
        ctx.add_init_script(f"localStorage.setItem('kb.lang', '{shot.ui_lang}')")
        page = ctx.new_page()
        page.goto(f"{url}/#/chat")
        page.locator("#question").wait_for()
        for q in shot.questions:
            ask(page, q)
        shoot_exchange(page, out / f"{shot.name}.png")
        rows.append((f"{shot.name}.png", " → ".join(shot.questions), shot.what))
        ctx.close()
    name, title, desc, what = LISTING
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    ctx.add_init_script("localStorage.setItem('kb.lang', 'zh')")
    page = ctx.new_page()
    page.goto(f"{url}/#/listing")
    page.locator("#lst-title").fill(title)
    page.locator("#lst-desc").fill(desc)
    page.locator("#lst-title").press("Enter")
    page.locator("[data-testid=listing-preview] mark.risk").first.wait_for(timeout=300_000)
    page.locator("main").screenshot(path=str(out / f"{name}.png"))
    rows.append((f"{name}.png", f"title: {title} / description: {desc}", what))
    ctx.close()
    return rows


def memo_text(url: str) -> str:
    """The memo for MEMO_Q as Word, read back with python-docx: paragraphs in order, then table cells."""
    import docx

    r = httpx.post(f"{url}/v1/ask", params={"format": "docx"}, json={"question": MEMO_Q}, timeout=300)
    r.raise_for_status()
    doc = docx.Document(io.BytesIO(r.content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "artifacts" / "screenshots")
    ap.add_argument("--memo", type=Path, default=REPO / "artifacts" / "memo-sample.md")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    proc, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            rows = shoot(browser, url, args.out)
            browser.close()
        text = memo_text(url)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    readme = ["# Screenshots (issue 12)", "",
              "Made by `scripts/screenshots.py` against a raw-only index (`kb ingest --layer raw`); regenerate with",
              "`KB_DATA_DIR=… python scripts/screenshots.py`. The questions are the script's own.", "",
              "| file | asked | shows |", "|---|---|---|"]
    readme += [f"| `{f}` | {q} | {w} |" for f, q, w in rows]
    readme += ["", "Each chat shot is the last question and its answer, cut at 2200 px (later citations omitted); the question",
               "form, sticky at the foot of the window, is put back in the page flow for the shot. They show the answers as",
               "they are on a raw-only index, flaws included (to be read, not only looked at): e.g. the Chinese answer leads",
               "with 产品质量法第二十七条 (marks on a product or its packaging) before 民法典第一千零一十九条, because the question",
               "names the packaging the photo is printed on, and the listing check raises no likeness finding for",
               "“某某女星同款脸” and none for the impersonation pitch “戴上后亲友也分辨不出”. (The English answer on the",
               "face-recognition claim no longer cites the SPC face-recognition provisions: it processes nobody's face data.)"]
    (args.out / "README.md").write_text("\n".join(readme) + "\n", encoding="utf-8")
    args.memo.parent.mkdir(parents=True, exist_ok=True)
    args.memo.write_text(
        "# Memo sample (issue 12)\n\nThe text of the Word memo `POST /v1/ask?format=docx` returned for the question below, "
        "as python-docx reads it back (paragraphs in order, then table rows; made by `scripts/screenshots.py` on a raw-only "
        f"index).\n\nQuestion: {MEMO_Q}\n\n---\n\n```text\n{text}\n```\n", encoding="utf-8")
    for f, _, _ in rows:
        print(args.out / f)
    print(args.memo)


if __name__ == "__main__":
    main()
