"""Each loader on a small input written here (the real files are covered by test_real_corpus.py)."""

from __future__ import annotations

from pathlib import Path

import docx as python_docx

from ingest.english import parse_english
from ingest.loaders import load_bytes, load_file, sniff
from ingest.loaders.base import map_radicals
from ingest.loaders.markdown import parse_markdown
from ingest.loaders.pdf import _join, _page_lines
from ingest.loaders.text import parse_text
from ingest.parse import parse_file
from ingest.structure import parse_chinese

LAWTEXT = """---
title: 示例法
effective_date: '2021-01-01'
urls:
  - https://flk.npc.gov.cn/detail?id=x
---

**示例法**

> （2020年5月28日通过）

## 目　　录

- 第一章　　一般规定
  - 第一节　通　　则

## 第一章　　一般规定

### 第一节　通　　则

- **第一条**　　为了示例，制定本法。

  第二款的文字。

- **第一千零一十九条**　　任何组织或者个人不得伪造他人的肖像。[^footnote-0]

  1. 脚注文字。 ↑
"""

LAWREFBOOK = """# 示例法

2020年5月28日 第十三届全国人民代表大会第三次会议通过

<!-- INFO END -->

## 第一章 一般规定

第一条 为了示例，制定本法。

前款的文字。

第一千零一十九条 任何组织或者个人不得伪造他人的肖像。
"""


def test_lawtext_markdown() -> None:
    loaded = parse_markdown(LAWTEXT)
    assert loaded.metadata["title"] == "示例法"
    assert loaded.metadata["effective_date"] == "2021-01-01"
    assert loaded.metadata["footnotes"].endswith("脚注文字。")
    doc = parse_chinese(loaded)
    assert [a.key for a in doc.articles] == ["1", "1019"]
    assert doc.articles[0].paragraphs == ["为了示例，制定本法。", "第二款的文字。"]
    assert doc.articles[1].text == "任何组织或者个人不得伪造他人的肖像。"
    assert [h.display() for h in doc.headings] == ["第一章\u3000一般规定", "第一节\u3000通则"]


def test_lawrefbook_markdown_gives_the_same_articles() -> None:
    a = parse_chinese(parse_markdown(LAWTEXT))
    b = parse_chinese(parse_markdown(LAWREFBOOK))
    assert [x.key for x in a.articles] == [x.key for x in b.articles]
    assert b.title == "示例法"
    assert b.articles[1].text == a.articles[1].text
    assert "2020年5月28日" in b.preamble


ENGLISH = """---
title: Example Code
---

<style>
.td-content p { font-family: serif; }
</style>

[Chinese version](/法律/x/)

---

## **Book One** General Part

#### **Chapter I** General Rules

- **Article 1**

This Code is formulated
for the purposes of testing.

- **Article 2** A one-line article that refers to the provisions of

- **Article 1** of this Code.

Rights to Testing

#### **Chapter II** Article 3

A natural person enjoys the right

to be tested.

- **Article 3a** An inserted article.
"""


def test_english_markdown_with_conversion_defects() -> None:
    doc = parse_english(parse_markdown(ENGLISH))
    assert [(a.key, a.label) for a in doc.articles] == [("1", "Article 1"), ("2", "Article 2"), ("3", "Article 3"), ("3之一", "Article 3a")]
    arts = {a.key: a for a in doc.articles}
    assert arts["1"].text == "This Code is formulated for the purposes of testing."
    assert arts["2"].text == "A one-line article that refers to the provisions of Article 1 of this Code."
    assert arts["3"].text == "A natural person enjoys the right to be tested."
    assert arts["3"].path[-1].label == "Chapter II" and arts["3"].path[-1].title == "Rights to Testing"
    assert arts["1"].path[0].label == "Book One"


CLAIMCRAFT = """【法律名称】示例办法
【施行日期】2023年5月1日
【条款数】2条

==== 正文开始 ====
示例办法

第一章 总 则

第一条 为了示例，制定本办法。

第二条 本办法自2023年5月1日起施行。
==== 正文结束 ====
说明：这里不是正文。第三条 不应出现。
"""


def test_claimcraft_text() -> None:
    loaded = parse_text(CLAIMCRAFT)
    assert loaded.metadata["title"] == "示例办法"
    assert loaded.metadata["effective_date"] == "2023年5月1日"
    doc = parse_chinese(loaded)
    assert [a.key for a in doc.articles] == ["1", "2"]
    assert doc.articles[0].path[0].title == "总则"
    assert "说明" not in doc.articles[-1].text


GDPR_LIKE = """REGULATION (EU) 2016/679

Whereas:

(1)


The protection of natural persons is a fundamental right.

HAVE ADOPTED THIS REGULATION:

CHAPTER I

General provisions

Article 1

Subject-matter and objectives

1.   This Regulation lays down rules.

2.   It protects fundamental rights.

Article 2

Material scope

1.   This Regulation applies to:

(a)

processing by automated means;

Done at Brussels, 27 April 2016.

(1)   OJ C 229, 31.7.2012, p. 90.
"""


def test_gdpr_like_text() -> None:
    doc = parse_english(parse_text(GDPR_LIKE))
    assert [a.label for a in doc.articles] == ["Article 1", "Article 2"]
    assert doc.articles[0].paragraphs == ["Subject-matter and objectives", "1.   This Regulation lays down rules.", "2.   It protects fundamental rights."]
    assert doc.articles[1].paragraphs[-1] == "(a) processing by automated means;"
    assert doc.headings[0].label == "CHAPTER I" and doc.headings[0].title == "General provisions"
    assert "fundamental right" in doc.preamble
    assert "OJ C 229" not in doc.articles[-1].text


HTML = """<!DOCTYPE html><html><head><title>示例</title><style>p{}</style></head><body>
<nav>首页 | 法规</nav>
<h1>示例条例</h1>
<p>第一章　总则</p>
<p>第一条　为了示例，制定本条例。</p>
<p>第二条　有下列情形之一的：<br>（一）甲；<br>（二）乙。</p>
<div>第三条　容器里的散文字。<p>第二款。</p></div>
<script>var x = "第三条　脚本";</script>
</body></html>"""


def test_html(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    loaded = load_file(path)
    assert loaded.format == "html"
    doc = parse_file(path)
    assert [a.key for a in doc.articles] == ["1", "2", "3"]
    assert doc.articles[1].paragraphs == ["有下列情形之一的：", "（一）甲；", "（二）乙。"]
    assert doc.articles[2].paragraphs == ["容器里的散文字。", "第二款。"]
    assert doc.title == "示例条例"
    assert all("首页" not in a.text and "脚本" not in a.text for a in doc.articles)


def test_docx_without_heading_styles(tmp_path: Path) -> None:
    d = python_docx.Document()
    for text in ["", "示例法", "（2020年通过）", "目\u3000\u3000录", "第一章\u3000总\u3000\u3000则", "\u3000\u3000第一节\u3000通则",
                 "第一章\u3000总\u3000\u3000则", "\u3000\u3000第一节\u3000通则", "第一条\u3000为了示例。", "第二款。",
                 "第二条\u3000依照本法", "第一条的规定。"]:
        d.add_paragraph(text)
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "罪名"
    table.rows[0].cells[1].text = "诈骗罪"
    d.add_paragraph("第三条\u3000表格之后。")
    path = tmp_path / "law.docx"
    d.save(str(path))
    doc = parse_file(path)
    assert [a.key for a in doc.articles] == ["1", "2", "3"]
    assert doc.articles[0].paragraphs == ["为了示例。", "第二款。"]
    assert doc.articles[1].paragraphs == ["依照本法", "第一条的规定。", "罪名\u3000诈骗罪"]
    assert [h.display() for h in doc.headings] == ["第一章\u3000总则", "第一节\u3000通则"]
    assert doc.title == "示例法"


def test_pdf_line_joining_and_furniture() -> None:
    page1 = "\n".join([
        "2024/12/11\x0114:32 互联⽹信息服务_中国政府⽹",
        "第一章 总则第一章 总则",
        "第一条 为了加强管理，依照本规定",
        "第二百六十六条",
        "的规定处罚，维护国家安全。",
        "https://www.gov.cn/zhengce/content_1.htm 1/8",
    ])
    page2 = "\n".join([
        "－2－",
        "第二条 本规定自公布之日起施行。",
        "标  题： 示例 发文机关：网信办",
        "来  源： 网信办网站",
        "成文日期：2022年11月25日",
        "12",
    ])
    lines = _join(_page_lines(page1) + _page_lines(page2))
    assert lines == ["第一章 总则", "第一条 为了加强管理，依照本规定第二百六十六条的规定处罚，维护国家安全。", "第二条 本规定自公布之日起施行。"]


def test_radicals_only_are_mapped() -> None:
    assert map_radicals("互联⽹信息⻔户（一）：；") == "互联网信息门户（一）：；"


def test_sniffing() -> None:
    assert sniff(b"PK\x03\x04rest", ".txt") == "docx"
    assert sniff(b"%PDF-1.7", ".md") == "pdf"
    assert sniff(b"<!DOCTYPE html><html>", ".txt") == "html"
    assert sniff(b"---\ntitle: x\n---\n", "") == "md"
    assert sniff("第一条　文字".encode(), ".txt") == "txt"
    loaded = load_bytes("\ufeff第一条　带 BOM 的文字。".encode(), suffix=".txt")
    assert loaded.lines == ["第一条　带 BOM 的文字。"]


def test_pdf_running_header_is_removed_and_unclosed_box_kept() -> None:
    from ingest.loaders.pdf import _running_lines

    pages = [f"法规汇编（内部资料）\n第{n}条 文字{n}。\n共5页 第{i}页" for i, n in enumerate("一二三四五", 1)]
    running = _running_lines(pages)
    assert {"法规汇编（内部资料）", "共#页 第#页"} <= running
    lines = _join([line for page in pages for line in _page_lines(page, running)])
    assert lines == ["第一条 文字一。", "第二条 文字二。", "第三条 文字三。", "第四条 文字四。", "第五条 文字五。"]
    kept = _join(_page_lines("第一条 标  题：不是元数据框，只是正文。\n" + "\n".join(f"第{n}款。" for n in range(20))))
    assert kept[0] == "第一条 标  题：不是元数据框，只是正文。"
    box = _page_lines("标  题： 示例\n" + "正文。\n" * 30)
    assert len(box) == 31  # no 成文日期 line: nothing is dropped
