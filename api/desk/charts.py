"""Charts drawn by the server as inline SVG: no script, no CDN, nothing for the browser to fetch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 64, 36, 16


def _scale(top: Decimal) -> Decimal:
    return top if top > 0 else Decimal(1)


def step_chart(points: Sequence[tuple[date, Decimal]], *, marker: date | None = None, label: str = "") -> Markup:
    """The monthly amount as a step line over months (one point per month's first day)."""
    if not points:
        return Markup("")
    top = _scale(max(a for _, a in points))
    n = len(points)
    width = (WIDTH - LEFT - 8) / n
    plot = HEIGHT - BOTTOM - TOP

    def y(amount: Decimal) -> float:
        return TOP + plot - float(amount / top) * plot

    path: list[str] = []
    for i, (_, amount) in enumerate(points):
        x0, x1 = LEFT + i * width, LEFT + (i + 1) * width
        path.append(f"{'M' if i == 0 else 'L'}{x0:.1f},{y(amount):.1f} L{x1:.1f},{y(amount):.1f}")
    parts = [
        f'<svg class="chart step" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{LEFT}" y1="{TOP + plot}" x2="{WIDTH - 8}" y2="{TOP + plot}" stroke="#999"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{top:,.2f}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot}" text-anchor="end" font-size="11">0</text>',
        f'<path d="{" ".join(path)}" fill="none" stroke="#b22222" stroke-width="2"/>',
    ]
    every = max(1, n // 8)
    for i, (month, amount) in enumerate(points):
        x = LEFT + i * width
        if i % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 14}" font-size="10">{month.year}年{month.month}月</text>')
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP}" width="{width:.1f}" height="{plot}" fill="transparent">'
            f"<title>{month.year}年{month.month}月：{amount:,.2f} 元</title></rect>"
        )
        if marker is not None and month.year == marker.year and month.month == marker.month:
            parts.append(
                f'<line class="marker" x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot}"'
                ' stroke="#1f5fa8" stroke-dasharray="4 3"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(bars: Sequence[tuple[str, Decimal]], *, unit: str = "万元", label: str = "") -> Markup:
    """Horizontal bars, one per label (funds by program)."""
    if not bars:
        return Markup("")
    top = _scale(max(v for _, v in bars))
    row, left = 28, 150
    height = row * len(bars) + 12
    parts = [
        f'<svg class="chart bars" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"'
        f' aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (name, value) in enumerate(bars):
        y = 6 + i * row
        w = float(value / top) * (WIDTH - left - 110)
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12">{escape(name)}</text>')
        parts.append(f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{row - 8}" fill="#b22222"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 16}" font-size="12">{value:,.2f} {escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
