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


def _frame(kind: str, label: str, plot: float, top: str) -> list[str]:
    """What every chart opens with: the svg element, the baseline ``plot`` pixels below the top, and
    the axis's top and zero labels (``top`` as the chart formats its largest value)."""
    return [
        f'<svg class="chart {kind}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{LEFT}" y1="{TOP + plot}" x2="{WIDTH - 8}" y2="{TOP + plot}" stroke="#999"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot}" text-anchor="end" font-size="11">0</text>',
    ]


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
        *_frame("step", label, plot, f"{top:,.2f}"),
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


def bar_chart(bars: Sequence[tuple[str, Decimal]], *, unit: str = "万元", label: str = "", places: int = 2) -> Markup:
    """Horizontal bars, one per label (funds by program; persons with ``places=0``)."""
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
        parts.append(
            f'<text x="{left + w + 6:.1f}" y="{y + 16}" font-size="12">{value:,.{places}f} {escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


PALETTE = ("#b22222", "#1f5fa8", "#17692b", "#c77c0e", "#6a3d9a", "#555555")


def month_bars(
    months: Sequence[tuple[date, dict[str, Decimal]]],
    names: dict[str, str],
    *,
    unit: str = "万元",
    label: str = "",
    places: int = 2,
) -> Markup:
    """Stacked vertical bars, one column per month, one bar per program in it (programs in ``names``' order)."""
    if not months:
        return Markup("")
    order = [p for p in names if any(p in values for _, values in months)]
    top = _scale(max((sum(v.values(), Decimal(0)) for _, v in months), default=Decimal(0)))
    n = len(months)
    width = (WIDTH - LEFT - 8) / n
    plot = HEIGHT - BOTTOM - TOP - 18
    kind = "persons" if places == 0 else "funds"
    parts = _frame(f"months {kind}", label, plot, f"{top:,.{places}f}")
    every = max(1, n // 8)
    for i, (month, values) in enumerate(months):
        x, base = LEFT + i * width + 2, float(TOP + plot)
        for program in order:
            value = values.get(program)
            if value is None or value <= 0:
                continue
            h = float(value / top) * plot
            base -= h
            colour = PALETTE[order.index(program) % len(PALETTE)]
            parts.append(
                f'<rect class="bar" data-month="{month.isoformat()[:7]}" data-program="{escape(program)}"'
                f' data-value="{value:.{places}f}" x="{x:.1f}" y="{base:.1f}" width="{max(width - 4, 1):.1f}"'
                f' height="{h:.1f}" fill="{colour}"><title>{month.year}年{month.month}月 {escape(names[program])}：'
                f"{value:,.{places}f} {escape(unit)}</title></rect>"
            )
        if i % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 20}" font-size="10">{month.year}年{month.month}月</text>')
    for j, program in enumerate(order):  # the legend
        x = LEFT + j * 100
        colour = PALETTE[j % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{HEIGHT - 12}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 3}" font-size="10">{escape(names[program])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
