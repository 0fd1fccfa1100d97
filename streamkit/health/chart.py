"""The session log as an SVG chart: one panel per metric, alerts marked."""

from __future__ import annotations

from xml.sax.saxutils import escape

from streamkit.health.report import clock, number
from streamkit.health.sessionlog import LogRecord, SessionRecords

_WIDTH, _PANEL_H, _LEFT, _RIGHT, _TOP, _GAP, _BOTTOM = 960, 150, 70, 20, 30, 28, 40
_PANELS = (
    ("network_drops", "Network drops %", "#c0392b", 5.0),
    ("bitrate", "Bitrate kbps", "#2471a3", 1000.0),
    ("congestion", "Congestion %", "#b9770e", 100.0),
)
_LEVEL_COLOURS = {"ALARM": "#e74c3c", "WARN": "#f39c12", "OK": "#27ae60"}


def _series(samples: list[LogRecord], key: str) -> list[list[tuple[float, float]]]:
    """Runs of (t, value), broken where a value is missing or a gap was flagged."""
    runs: list[list[tuple[float, float]]] = [[]]
    for sample in samples:
        value = number(sample.data.get(key))
        if value is None or sample.data.get("gap") is True:
            if runs[-1]:
                runs.append([])
            if value is None:
                continue
        runs[-1].append((sample.t, value))
    return [run for run in runs if run]


def render_svg(log: SessionRecords, title: str = "Stream health") -> str:
    """A chart of drops %, bitrate and congestion over time, with alert and action markers."""
    samples = log.of_type("sample")
    times = [r.t for r in log.records]
    t0, t1 = (min(times), max(times)) if times else (0.0, 1.0)
    if t1 <= t0:
        t1 = t0 + 1.0
    plot_w = _WIDTH - _LEFT - _RIGHT
    height = _TOP + len(_PANELS) * (_PANEL_H + _GAP) + _BOTTOM

    def x(t: float) -> float:
        return _LEFT + (t - t0) / (t1 - t0) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{_LEFT}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (key, label, colour, floor) in enumerate(_PANELS):
        top = _TOP + index * (_PANEL_H + _GAP)
        runs = _series(samples, key)
        peak = max((v for run in runs for _, v in run), default=0.0)
        y_max = 100.0 if key == "congestion" else max(floor, peak * 1.1)

        def y(v: float, top: float = top, y_max: float = y_max) -> float:
            return top + _PANEL_H - min(v, y_max) / y_max * _PANEL_H

        parts.append(
            f'<rect x="{_LEFT}" y="{top}" width="{plot_w}" height="{_PANEL_H}" '
            'fill="#fbfbfb" stroke="#999"/>'
        )
        parts.append(f'<text x="{_LEFT + 4}" y="{top + 13}" fill="{colour}">{label}</text>')
        parts.append(f'<text x="{_LEFT - 6}" y="{top + 4}" text-anchor="end">{y_max:.4g}</text>')
        parts.append(f'<text x="{_LEFT - 6}" y="{top + _PANEL_H}" text-anchor="end">0</text>')
        for run in runs:
            points = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.2"/>'
            )
    bottom = _TOP + len(_PANELS) * (_PANEL_H + _GAP) - _GAP
    for alert in log.of_type("alert"):
        level = str(alert.data.get("level", ""))
        colour = _LEVEL_COLOURS.get(level, "#666")
        tip = escape(f"{clock(alert.t)} {level} {alert.data.get('message', '')}")
        parts.append(
            f'<line x1="{x(alert.t):.1f}" y1="{_TOP}" x2="{x(alert.t):.1f}" y2="{bottom}" '
            f'stroke="{colour}" stroke-dasharray="3,3"><title>{tip}</title></line>'
        )
    for action in log.of_type("action"):
        ax = x(action.t)
        tip = escape(f"{clock(action.t)} {action.data.get('message', '')}")
        parts.append(
            f'<path d="M{ax - 5:.1f},{_TOP - 9} L{ax + 5:.1f},{_TOP - 9} L{ax:.1f},{_TOP - 1} Z" '
            f'fill="#8e44ad"><title>{tip}</title></path>'
        )
    for i in range(7):
        t = t0 + (t1 - t0) * i / 6
        parts.append(
            f'<text x="{x(t):.1f}" y="{bottom + 16}" text-anchor="middle">{clock(t)}</text>'
        )
    parts.append(
        f'<text x="{_LEFT + plot_w}" y="{bottom + 32}" text-anchor="end">time (UTC); '
        "dashed lines: alerts (red alarm, orange warn, green cleared); triangles: actions</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
