"""Inline SVG charts that render the same in a browser and in WeasyPrint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

from ..model.criteria import RiskCriteria
from ..model.measures import Comparison, Threshold, compare, number
from ..reports.registers import HeatMap


def heatmap_svg(heat: HeatMap, criteria: RiskCriteria, cell_href: Callable[[int, int], str], title: str) -> Markup:
    """A 5x5 likelihood x impact grid in the organisation's band colours; each count links to its risks."""
    size, pad = 44, 34
    width = pad + 5 * size + 8
    height = pad + 5 * size + 8 + 22
    out = [
        f'<svg class="aims-heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<text x="{pad + 5 * size / 2}" y="{height - 6}" text-anchor="middle" font-size="11">impact</text>',
        f'<text x="10" y="{pad + 5 * size / 2}" text-anchor="middle" font-size="11" '
        f'transform="rotate(-90 10 {pad + 5 * size / 2})">likelihood</text>',
    ]
    for likelihood in range(1, 6):
        y = pad + (5 - likelihood) * size
        out.append(f'<text x="{pad - 8}" y="{y + size / 2 + 4}" text-anchor="end" font-size="11">{likelihood}</text>')
        for impact in range(1, 6):
            x = pad + (impact - 1) * size
            count = len(heat.cells[likelihood - 1][impact - 1])
            band = criteria.band(likelihood * impact)
            rect = (
                f'<rect x="{x}" y="{y}" width="{size - 2}" height="{size - 2}" rx="3" '
                f'fill="{band.colour}" stroke="#888" stroke-width="0.5"><title>{escape(band.name)}</title></rect>'
            )
            if count:
                label = (
                    f'<text x="{x + size / 2 - 1}" y="{y + size / 2 + 5}" text-anchor="middle" '
                    f'font-size="14" font-weight="bold" fill="{band.text_colour}">{count}</text>'
                )
                href = escape(cell_href(likelihood, impact))
                out.append(f'<a href="{href}">{rect}{label}</a>')
            else:
                out.append(rect)
    for impact in range(1, 6):
        x = pad + (impact - 1) * size + size / 2 - 1
        out.append(f'<text x="{x}" y="{pad - 10}" text-anchor="middle" font-size="11">{impact}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def bar_svg(segments: Sequence[tuple[str, int, str]], width: int = 360) -> Markup:
    """One stacked horizontal bar: (label, count, colour) segments; labels live in the HTML legend."""
    total = sum(count for _, count, _ in segments) or 1
    out = [
        f'<svg class="aims-bar" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 18" width="{width}" '
        f'height="18" role="img" aria-label="{escape(", ".join(f"{label}: {count}" for label, count, _ in segments))}">'
    ]
    x = 0.0
    for _label, count, colour in segments:
        w = width * count / total
        if w > 0:
            out.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="18" fill="{colour}"/>')
        x += w
    out.append("</svg>")
    return Markup("".join(out))


def trend_svg(points: Sequence[tuple[dt.date, float]], op: Comparison, threshold: Threshold, title: str) -> Markup:
    """A line of measured values over time with the threshold drawn across; points outside it in red.

    Deterministic (no randomness, fixed precision) and static: no script, the same in the pack.
    """
    width, height = 360, 150
    left, right, top, bottom = 46, 12, 12, 30
    values = [value for _, value in points]
    bounds = [*threshold] if isinstance(threshold, tuple) else [threshold]
    low, high = min(values + bounds), max(values + bounds)
    if high == low:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.1
    low, high = low - margin, high + margin
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(index: int) -> float:
        return left + (plot_w * index / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    out = [
        f'<svg class="aims-trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888" stroke-width="0.5"/>',
    ]
    for bound in bounds:
        yb = f"{y(bound):.1f}"
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{yb}" y2="{yb}" stroke="#b71c1c" stroke-width="1" '
            f'stroke-dasharray="5 3"/>'
            f'<text x="{left - 4}" y="{float(yb) + 4:.1f}" text-anchor="end" font-size="10" fill="#b71c1c">'
            f"{escape(number(bound))}</text>"
        )
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
    out.append(f'<path d="{path}" fill="none" stroke="#1a3a9e" stroke-width="1.5"/>')
    for i, (day, value) in enumerate(points):
        ok = compare(value, op, threshold)
        shape = (
            f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3.5" fill="#1a3a9e"/>'
            if ok
            else f'<rect x="{x(i) - 4:.1f}" y="{y(value) - 4:.1f}" width="8" height="8" fill="#b71c1c"/>'
        )
        verdict = "meets" if ok else "fails"
        out.append(f"<g>{shape}<title>{day.isoformat()}: {escape(number(value))} ({verdict} the threshold)</title></g>")
    for i, (day, _) in enumerate(points):
        if len(points) <= 6 or i in (0, len(points) - 1) or i % max(1, len(points) // 4) == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 14}" text-anchor="middle" font-size="9">'
                f"{day.isoformat()}</text>"
            )
    out.append("</svg>")
    return Markup("".join(out))
