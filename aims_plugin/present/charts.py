"""Inline SVG charts that render the same in a browser and in WeasyPrint."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

from ..model.criteria import RiskCriteria
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
