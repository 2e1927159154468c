"""Render the report's blocks to Markdown and to a self-contained HTML page."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path

from .document import Block
from .tables import Table

__all__ = ["render_html", "render_markdown"]


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(blocks: Sequence[Block], out: Path) -> str:
    """The blocks as Markdown, figures linked relative to ``out``."""
    parts: list[str] = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            parts.append("#" * int(b.kind[1]) + " " + b.content)
        elif b.kind == "p":
            parts.append(b.content)
        elif b.kind == "ul":
            parts.append("\n".join(f"- {item}" for item in b.content))
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


def inline_md(text: str) -> str:
    """Escape HTML, then render **bold** and `code` spans."""
    out = html.escape(text)
    pieces = out.split("**")
    out = "".join(
        p if i % 2 == 0 else f"<strong>{p}</strong>" for i, p in enumerate(pieces)
    )
    pieces = out.split("`")
    return "".join(
        p if i % 2 == 0 else f"<code>{p}</code>" for i, p in enumerate(pieces)
    )


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;
max-width:1150px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.8em 0;font-size:.86em}
th,td{border:1px solid #ccc;padding:.25em .55em;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
caption{caption-side:bottom;text-align:left;font-size:.85em;color:#555;padding-top:.3em}
img{max-width:100%;border:1px solid #ddd}figure{margin:1em 0}
figcaption{font-size:.85em;color:#555}code{background:#f4f4f4;padding:0 .2em}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
"""


def render_html(blocks: Sequence[Block]) -> str:
    """The blocks as one self-contained HTML page (figures embedded)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>skseq benchmark report</title>",
        f"<style>{_CSS}</style></head><body>",
    ]
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            parts.append(f"<{b.kind}>{inline_md(b.content)}</{b.kind}>")
        elif b.kind == "p":
            parts.append(f"<p>{inline_md(b.content)}</p>")
        elif b.kind == "ul":
            items = "".join(f"<li>{inline_md(i)}</li>" for i in b.content)
            parts.append(f"<ul>{items}</ul>")
        elif b.kind == "table":
            t: Table = b.content
            head = "".join(f"<th>{html.escape(h)}</th>" for h in t.headers)
            body = "".join(
                "<tr>"
                + "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
                + "</tr>"
                for row in t.rows
            )
            caption = f"<caption>{inline_md(t.caption)}</caption>" if t.caption else ""
            parts.append(
                f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
        elif b.kind == "img":
            data = base64.b64encode(Path(b.content).read_bytes()).decode("ascii")
            alt = html.escape(b.extra)
            parts.append(
                f'<figure><img alt="{alt}" src="data:image/png;base64,{data}">'
                f"<figcaption>{alt}</figcaption></figure>"
            )
        elif b.kind == "code":
            parts.append(f"<pre><code>{html.escape(b.content)}</code></pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
