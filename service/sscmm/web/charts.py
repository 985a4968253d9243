"""Charts as inline SVG, drawn on the server: nothing to load, they print, and they read
without colour. Each chart has a <title> and <desc> (``role="img"``), marks met and unmet
with a symbol (✓, ✗) or a pattern besides the colour, and the page next to it shows the
same numbers as text or a table. Sizes follow the data: no count of levels or aspects is
assumed."""

import math
from itertools import count

from markupsafe import Markup, escape

MET, UNMET, NONE = "✓", "✗", "–"
_ids = count(1)


def _svg(width, height, title, desc, body, css_class):
    """An accessible SVG element; ids are unique within the process, so within a page."""
    uid = f"chart{next(_ids)}"
    return Markup(
        f'<svg class="chart {css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="{uid}-title {uid}-desc">'
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(desc)}</desc>'
        f'{body.replace("@ID@", uid)}</svg>')


def _text(x, y, text, anchor="start", css="label", extra=""):
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}"{extra}>{escape(text)}</text>'


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def heatmap(rows, columns, cells, title):
    """Aspects (rows) × levels (columns): each cell met (✓, solid), not met (✗, hatched)
    or without a criterion (–). ``cells[(row, column)]`` is ``(met, reason)``; the reason
    shows on hover (the cell's <title>)."""
    label_width, cell_w, cell_h, head = 12 + 7.2 * max((len(r) for r in rows), default=0), 84, 30, 40
    width, height = label_width + cell_w * len(columns) + 4, head + cell_h * len(rows) + 4
    hatch = ('<defs><pattern id="@ID@-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
             'patternTransform="rotate(45)"><rect width="8" height="8" class="unmet-bg"/>'
             '<line x1="0" y1="0" x2="0" y2="8" class="unmet-line"/></pattern></defs>')
    parts = [hatch]
    for j, column in enumerate(columns):
        x = label_width + cell_w * j + cell_w / 2
        parts.append(_text(x, 16, column[0], "middle", "label strong"))
        parts.append(_text(x, 32, column[1], "middle", "label small"))
    met_count = unmet_count = 0
    for i, row in enumerate(rows):
        y = head + cell_h * i
        parts.append(_text(label_width - 8, y + cell_h / 2 + 4, row, "end"))
        for j, column in enumerate(columns):
            x = label_width + cell_w * j
            met, reason = cells.get((row, column[0]), (None, "no criterion at this level"))
            if met is None:
                state, fill, symbol = "none", 'class="none-bg"', NONE
            elif met:
                state, fill, symbol = "met", 'class="met-bg"', MET
                met_count += 1
            else:
                state, fill, symbol = "unmet", 'fill="url(#@ID@-hatch)"', UNMET
                unmet_count += 1
            word = {"met": "met", "unmet": "not met", "none": "no criterion"}[state]
            parts.append(f'<g class="cell" data-aspect="{escape(row)}" data-level="{escape(column[0])}" '
                         f'data-state="{state}"><title>{escape(row)}, level {escape(column[0])}: {word}. '
                         f'{escape(reason)}</title><rect x="{x + 1:.1f}" y="{y + 1:.1f}" width="{cell_w - 2}" '
                         f'height="{cell_h - 2}" {fill}/>'
                         + _text(x + cell_w / 2, y + cell_h / 2 + 6, symbol, "middle", f"symbol {state}") + "</g>")
    desc = (f"{len(rows)} aspects by {len(columns)} levels: {met_count} criteria met (✓, solid), "
            f"{unmet_count} not met (✗, hatched). The criteria table below gives each one in text.")
    return _svg(width, height, title, desc, "".join(parts), "heatmap")


def radar(axes, maximum, title):
    """Each aspect's level on its own axis from 0 (centre) to ``maximum`` (rim); ``axes``
    is [(name, level or None)]. With fewer than three aspects the polygon is a line."""
    radius = 120
    width = 2 * (radius * 1.15 + 7 * max((len(name) for name, _l in axes), default=0)) + 20
    height = 2 * radius * 1.15 + 40
    cx, cy = width / 2, height / 2
    n = max(len(axes), 1)
    maximum = max(maximum, 1)

    def point(i, value):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * value / maximum
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = []
    for ring in range(1, maximum + 1):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{ring_points}" class="grid"/>')
        x, y = point(0, ring)
        parts.append(_text(x + 4, y + 4, str(ring), "start", "label small"))
    for i, (name, _level) in enumerate(axes):
        x, y = point(i, maximum)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" class="grid"/>')
        lx, ly = point(i, maximum * 1.12)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(_text(lx, ly + 4, name, anchor))
    shape = [point(i, level or 0) for i, (_name, level) in enumerate(axes)]
    parts.append(f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in shape)}" class="area"/>')
    for (x, y), (name, level) in zip(shape, axes):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot"><title>{escape(name)}: level '
                     f'{level if level is not None else NONE}</title></circle>')
    desc = "; ".join(f"{name}: level {level if level is not None else NONE}" for name, level in axes)
    return _svg(width, height, title, f"Levels on a scale of 0 to {maximum}. {desc}.", "".join(parts), "radar")


def bars(items, title, target=None, target_label="target", unit=""):
    """Horizontal bars, one per (label, value), with a dashed target line labelled in text.
    A bar that meets the target (``items`` give met True/False/None) carries ✓ or ✗."""
    label_width = 12 + 7.2 * max((len(label) for label, _v, _m in items), default=0)
    plot, bar_h = 360, 24
    values = [v for _l, v, _m in items] + ([target] if target is not None else [])
    top = max([abs(v) for v in values] + [1e-9])
    width, height = label_width + plot + 90, 30 + bar_h * len(items) + 24

    def x_of(value):
        return label_width + plot * max(value, 0) / top

    parts = []
    for i, (label, value, met) in enumerate(items):
        y = 20 + bar_h * i
        symbol = {True: MET, False: UNMET}.get(met, "")
        state = {True: "met", False: "unmet"}.get(met, "none")
        parts.append(f'<g class="bar" data-label="{escape(label)}" data-value="{_number(value)}">'
                     f'<title>{escape(label)}: {_number(value)} {escape(unit)} {symbol}</title>'
                     + _text(label_width - 8, y + bar_h / 2 + 4, label, "end")
                     + f'<rect x="{label_width:.1f}" y="{y + 3}" width="{x_of(value) - label_width:.1f}" '
                       f'height="{bar_h - 6}" class="bar-{state}"/>'
                     + _text(x_of(value) + 6, y + bar_h / 2 + 4, f"{_number(value)} {symbol}".strip(), "start",
                             f"label {state}") + "</g>")
    if target is not None:
        x = x_of(target)
        bottom = 20 + bar_h * len(items)
        parts.append(f'<line x1="{x:.1f}" y1="12" x2="{x:.1f}" y2="{bottom + 2}" class="target"/>'
                     + _text(x, bottom + 16, f"{target_label} {_number(target)}", "middle", "label small"))
    desc = "; ".join(f"{label}: {_number(value)}" for label, value, _m in items)
    if target is not None:
        desc += f". {target_label}: {_number(target)} (dashed line)"
    return _svg(width, height, title, desc, "".join(parts), "bars")


def sparkline(points, title, target=None):
    """A small line of (period, value) over time, the first and last values written out;
    ``target`` (a number) is a dashed line."""
    width, height, pad = 150, 36, 4
    values = [v for _p, v in points] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    span = (high - low) or 1

    def xy(i, value):
        x = pad + (width - 2 * pad) * (i / (len(points) - 1) if len(points) > 1 else 0.5)
        return x, height - pad - (height - 2 * pad) * (value - low) / span

    coords = [xy(i, v) for i, (_p, v) in enumerate(points)]
    parts = []
    if target is not None:
        _x, y = xy(0, target)
        parts.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" class="target"/>')
    parts.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in coords)}" class="line"/>')
    for (x, y), (period, value) in zip(coords, points):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" class="dot"><title>{escape(period)}: '
                     f'{_number(value)}</title></circle>')
    desc = ", ".join(f"{period}: {_number(value)}" for period, value in points)
    if target is not None:
        desc += f"; next target {_number(target)} (dashed)"
    return _svg(width, height, title, desc, "".join(parts), "sparkline")
