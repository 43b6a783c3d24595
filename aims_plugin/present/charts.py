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
        # A group, not an image: its cells are links (an image may not hold interactive parts).
        f'<svg class="aims-heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="group" aria-label="{escape(title)}">',
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
                name = f"{count} {'risk' if count == 1 else 'risks'} at likelihood {likelihood}, impact {impact}"
                out.append(f'<a href="{href}" aria-label="{name}">{rect}{label}</a>')
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


#: Line colours of a trend's series, told apart by their end labels too (not by colour alone).
TREND_COLOURS = ("#1a3a9e", "#00695c", "#6a1b9a", "#8d4e00", "#37474f", "#ad1457")


def trend_svg(
    series: Sequence[tuple[str | None, Sequence[tuple[dt.date, float]], Threshold]],
    op: Comparison,
    title: str,
) -> Markup:
    """Measured values over time, one line per group, with each threshold drawn across.

    `series` holds (group label or None, [(day, value)] oldest first, its threshold). A value
    that fails its threshold is a red square, one that meets it a dot; each line is labelled
    at its end. Deterministic and static: no script, the same on the site and in the pack.
    """
    width, height = 420, 170
    left, right, top, bottom = 46, 70 if any(label for label, _, _ in series) else 14, 12, 30
    days = sorted({day for _, points, _ in series for day, _ in points})
    values = [value for _, points, _ in series for _, value in points]
    bounds = sorted({b for _, _, t in series for b in (t if isinstance(t, tuple) else (t,))})
    low, high = min(values + bounds), max(values + bounds)
    if high == low:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.12
    low, high = low - margin, high + margin
    plot_w, plot_h = width - left - right, height - top - bottom
    column = {day: index for index, day in enumerate(days)}

    def x(day: dt.date) -> float:
        return left + (plot_w * column[day] / (len(days) - 1) if len(days) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    out = [
        f'<svg class="aims-trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888" stroke-width="0.5"/>',
    ]
    for bound in bounds:
        yb = y(bound)
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{yb:.1f}" y2="{yb:.1f}" stroke="#b71c1c" '
            f'stroke-width="1" stroke-dasharray="5 3"/><text x="{left - 4}" y="{yb + 4:.1f}" text-anchor="end" '
            f'font-size="10" fill="#b71c1c">{escape(number(bound))}</text>'
        )
    for index, (label, points, threshold) in enumerate(series):
        colour = TREND_COLOURS[index % len(TREND_COLOURS)]
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f}" for i, (d, v) in enumerate(points))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        for day, value in points:
            ok = compare(value, op, threshold)
            shape = (
                f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}"/>'
                if ok
                else f'<rect x="{x(day) - 4:.1f}" y="{y(value) - 4:.1f}" width="8" height="8" fill="#b71c1c"/>'
            )
            name = f"{label}, " if label else ""
            verdict = "meets" if ok else "fails"
            out.append(
                f"<g>{shape}<title>{escape(name)}{day.isoformat()}: {escape(number(value))} "
                f"({verdict} the threshold)</title></g>"
            )
        if label and points:
            day, value = points[-1]
            end = f'x="{x(day) + 6:.1f}" y="{y(value) + 3:.1f}"'
            out.append(f'<text {end} font-size="9" fill="{colour}">{escape(label)}</text>')
    step = max(1, (len(days) + 4) // 5)
    for i, day in enumerate(days):
        if i % step and i != len(days) - 1:
            continue
        anchor = "start" if i == 0 and len(days) > 1 else "end" if i == len(days) - 1 and len(days) > 1 else "middle"
        out.append(
            f'<text x="{x(day):.1f}" y="{height - bottom + 14}" text-anchor="{anchor}" font-size="9">'
            f"{day.isoformat()}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))
