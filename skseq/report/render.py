"""Render the report's blocks to Markdown and to a self-contained HTML page."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from pathlib import Path

from .document import Block
from .tables import Table

__all__ = ["render_html", "render_markdown"]


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


_MIME = {".svg": "image/svg+xml", ".png": "image/png"}


def render_markdown(blocks: Sequence[Block], out: Path) -> str:
    """The blocks as Markdown, figures linked relative to ``out``.

    Headings get an explicit ``<a id>`` anchor, so the table of contents
    links work in any Markdown viewer that keeps inline HTML.
    """
    parts: list[str] = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            parts.append(
                f'<a id="{b.extra}"></a>\n\n' + "#" * int(b.kind[1]) + " " + b.content
            )
        elif b.kind == "p":
            parts.append(b.content)
        elif b.kind == "ul":
            parts.append("\n".join(f"- {item}" for item in b.content))
        elif b.kind == "toc":
            parts.append(
                "**Contents**\n\n"
                + "\n".join(
                    "  " * (level - 2) + f"- [{text}](#{anchor})"
                    for level, text, anchor in b.content
                )
            )
        elif b.kind == "table":
            t: Table = b.content
            lines = [
                "| " + " | ".join(_md_cell(h) for h in t.headers) + " |",
                "|" + "|".join("---" for _ in t.headers) + "|",
            ]
            lines += [
                "| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows
            ]
            if t.caption:
                lines.append("")
                lines.append(f"*{t.caption}*")
            parts.append("\n".join(lines))
        elif b.kind == "img":
            rel = Path(b.content).relative_to(out).as_posix()
            parts.append(f"![{b.extra}]({rel})\n\n*{b.extra}*")
        elif b.kind == "code":
            parts.append(f"```\n{b.content}\n```")
    return "\n\n".join(parts) + "\n"


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def inline_md(text: str) -> str:
    """Escape HTML, then render **bold**, `code` spans and [text](links)."""
    out = html.escape(text, quote=False)
    pieces = out.split("**")
    out = "".join(
        p if i % 2 == 0 else f"<strong>{p}</strong>" for i, p in enumerate(pieces)
    )
    pieces = out.split("`")
    out = "".join(
        p if i % 2 == 0 else f"<code>{p}</code>" for i, p in enumerate(pieces)
    )
    return _LINK.sub(lambda m: f'<a href="{html.escape(m[2])}">{m[1]}</a>', out)


# Narrow screens: tables scroll inside their own box, long words and code
# wrap, figures shrink; nothing else is wider than the page.
_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;
max-width:1150px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45;
overflow-wrap:anywhere}
.table{margin:.8em 0}.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.86em}
th,td{border:1px solid #ccc;padding:.25em .55em;text-align:right;
overflow-wrap:normal;white-space:nowrap}
td.text,th.text{white-space:normal;min-width:12em;text-align:left}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
.caption,figcaption{font-size:.85em;color:#555;margin-top:.3em}
img{max-width:100%;height:auto;border:1px solid #ddd}figure{margin:1em 0}
code{background:#f4f4f4;padding:0 .2em}
pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap;overflow-wrap:anywhere}
nav ul{padding-left:1.2em}nav li{margin:.1em 0}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
"""


def _table_html(t: Table) -> str:
    # Columns of prose (descriptions, verdicts) wrap; numbers stay on a line.
    text_cols = {
        j
        for j in range(len(t.headers))
        if any(len(str(row[j])) > 40 for row in t.rows if j < len(row))
    }

    def cell(tag: str, j: int, value: str) -> str:
        cls = ' class="text"' if j in text_cols else ""
        return f"<{tag}{cls}>{html.escape(str(value))}</{tag}>"

    head = "".join(cell("th", j, h) for j, h in enumerate(t.headers))
    body = "".join(
        "<tr>" + "".join(cell("td", j, c) for j, c in enumerate(row)) + "</tr>"
        for row in t.rows
    )
    caption = f'<p class="caption">{inline_md(t.caption)}</p>' if t.caption else ""
    return (
        f'<div class="table"><div class="scroll"><table><thead><tr>{head}</tr>'
        f"</thead><tbody>{body}</tbody></table></div>{caption}</div>"
    )


def render_html(blocks: Sequence[Block]) -> str:
    """The blocks as one self-contained HTML page (figures embedded).

    Nothing is fetched from elsewhere: no external CSS, scripts or fonts.
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>skseq benchmark report</title>",
        f"<style>{_CSS}</style></head><body>",
    ]
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            parts.append(
                f'<{b.kind} id="{html.escape(b.extra)}">{inline_md(b.content)}</{b.kind}>'
            )
        elif b.kind == "p":
            parts.append(f"<p>{inline_md(b.content)}</p>")
        elif b.kind == "ul":
            items = "".join(f"<li>{inline_md(i)}</li>" for i in b.content)
            parts.append(f"<ul>{items}</ul>")
        elif b.kind == "toc":
            parts.append(_toc_html(b.content))
        elif b.kind == "table":
            parts.append(_table_html(b.content))
        elif b.kind == "img":
            path = Path(b.content)
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            mime = _MIME[path.suffix.lower()]
            alt = html.escape(b.extra)
            parts.append(
                f'<figure><img alt="{alt}" src="data:{mime};base64,{data}">'
                f"<figcaption>{alt}</figcaption></figure>"
            )
        elif b.kind == "code":
            parts.append(f"<pre><code>{html.escape(b.content)}</code></pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _toc_html(entries: list[tuple[int, str, str]]) -> str:
    """Nested lists: level-3 entries under the level-2 entry before them."""
    out = ['<nav aria-label="Contents"><strong>Contents</strong><ul>']
    open_sub = False
    for k, (level, text, anchor) in enumerate(entries):
        link = f'<a href="#{html.escape(anchor)}">{inline_md(text)}</a>'
        if level == 3 and not open_sub:
            out.append("<ul>")
            open_sub = True
        elif level == 2 and open_sub:
            out.append("</ul></li>")
            open_sub = False
        elif level == 2 and k > 0:
            out.append("</li>")
        out.append(f"<li>{link}")
        if level == 3:
            out.append("</li>")
    out.append("</ul></li></ul></nav>" if open_sub else "</li></ul></nav>")
    return "".join(out)
