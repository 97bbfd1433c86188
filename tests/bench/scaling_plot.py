#!/usr/bin/python3
"""Scaling section of the benchmark report (issue 20): how cost grows.

The programs print one line per measured point:
    @@SCALE <TAB> series <TAB> x label <TAB> y label <TAB> expected exponent <TAB> x <TAB> y
For each series this fits y = a * x^k by least squares on log y against log x, writes a small
SVG plot (log-log axes, the points, the fitted line and the expected slope) and returns a table
row: fitted exponent beside the expected one, flagged when growth is super-linear where it should
be linear (or steeper than expected by more than the tolerance). Plain SVG: no plotting library.

usage: scaling_plot.py ROWS.tsv OUT_DIR   (prints the markdown table; also used by report.py)
"""
import math
import os
import re
import sys

TOLERANCE = 0.15  # fitted exponent may exceed the expected one by this much


def read_series(rows_path):
    series = {}
    with open(rows_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] != "@@SCALE" or len(parts) < 7:
                continue
            name, xl, yl, expected, x, y = parts[1:7]
            try:
                xv, yv = float(x), float(y)
            except ValueError:
                continue
            s = series.setdefault(name, {"x": xl, "y": yl, "expected": expected, "points": []})
            if xv > 0 and yv > 0:
                s["points"].append((xv, yv))
    return series


def fit(points):
    """Least-squares slope and intercept of log y on log x."""
    lx = [math.log(x) for x, _ in points]
    ly = [math.log(y) for _, y in points]
    n = len(points)
    mx, my = sum(lx) / n, sum(ly) / n
    sxx = sum((a - mx) ** 2 for a in lx)
    if sxx == 0:
        return 0.0, my
    k = sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sxx
    return k, my - k * mx


def slug(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def svg_plot(name, s, k, c, expected):
    w, h, left, right, top, bottom = 360, 240, 56, 12, 28, 40
    pts = sorted(s["points"])
    lx = [math.log10(x) for x, _ in pts]
    ly = [math.log10(y) for _, y in pts]
    x0, x1 = min(lx), max(lx)
    y0, y1 = min(ly), max(ly)
    if x1 - x0 < 1e-9:
        x0, x1 = x0 - 0.5, x1 + 0.5
    if y1 - y0 < 1e-9:
        y0, y1 = y0 - 0.5, y1 + 0.5
    pad = 0.08 * (y1 - y0)
    y0, y1 = y0 - pad, y1 + pad

    def px(v):
        return left + (v - x0) / (x1 - x0) * (w - left - right)

    def py(v):
        return h - bottom - (v - y0) / (y1 - y0) * (h - top - bottom)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="10">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="14" text-anchor="middle" font-size="11">{name}</text>',
           f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>']
    for x, v in zip([p[0] for p in pts], lx):
        out.append(f'<text x="{px(v):.1f}" y="{h - bottom + 12}" text-anchor="middle">{x:g}</text>')
    for v in (y0 + pad, y1 - pad):
        out.append(f'<text x="{left - 4}" y="{py(v) + 3:.1f}" text-anchor="end">{10 ** v:.3g}</text>')
    out.append(f'<text x="{(left + w - right) / 2}" y="{h - 8}" text-anchor="middle">'
               f'{s["x"]} (log)</text>')
    out.append(f'<text x="12" y="{(top + h - bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 12 {(top + h - bottom) / 2})">{s["y"]} (log)</text>')
    # fitted line and the expected slope through the first point
    ln10 = math.log(10)
    fy0, fy1 = (k * x0 * ln10 + c) / ln10, (k * x1 * ln10 + c) / ln10
    out.append(f'<line x1="{px(x0):.1f}" y1="{py(fy0):.1f}" x2="{px(x1):.1f}" y2="{py(fy1):.1f}" '
               f'stroke="#1f77b4" stroke-width="1.5"/>')
    if expected is not None:
        ey0 = ly[0]
        ey1 = ly[0] + expected * (x1 - lx[0])
        out.append(f'<line x1="{px(lx[0]):.1f}" y1="{py(ey0):.1f}" x2="{px(x1):.1f}" '
                   f'y2="{py(ey1):.1f}" stroke="#999" stroke-dasharray="4 3"/>')
    for a, b in zip(lx, ly):
        out.append(f'<circle cx="{px(a):.1f}" cy="{py(b):.1f}" r="3" fill="#d62728"/>')
    label = f"fitted k = {k:.2f}" + (f"; expected {expected:g} (dashed)" if expected is not None else "")
    out.append(f'<text x="{left + 6}" y="{top + 10}" fill="#1f77b4">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def build(rows_path, out_dir):
    """Writes the plots; returns markdown lines of the scaling table (empty without points)."""
    series = read_series(rows_path)
    if not series:
        return []
    plot_dir = os.path.join(out_dir, "scaling")
    os.makedirs(plot_dir, exist_ok=True)
    md = ["", "## How cost grows (scaling)", "",
          "Fitted exponent k of y = a x^k (least squares on log-log) beside the expected one; "
          f"flagged when k exceeds the expected exponent by more than {TOLERANCE} "
          "(super-linear growth where linear is expected).", "",
          "| Series | Points | Fitted k | Expected k | Verdict | Plot |", "|---|---|---|---|---|---|"]
    for name, s in series.items():
        pts = s["points"]
        if len(pts) < 2:
            md.append(f"| {name} | {len(pts)} | n/a | {s['expected']} | too few points | |")
            continue
        k, c = fit(pts)
        try:
            expected = float(s["expected"])
        except ValueError:
            expected = None
        if expected is None:
            verdict = "info"
        elif k > expected + TOLERANCE:
            verdict = "FLAG: grows faster than expected" + (
                " (super-linear)" if expected <= 1.0 and k > 1.0 + TOLERANCE else "")
        else:
            verdict = "ok"
        fname = slug(name) + ".svg"
        with open(os.path.join(plot_dir, fname), "w", encoding="utf-8") as f:
            f.write(svg_plot(name, s, k, c, expected))
        detail = "; ".join(f"{x:g}: {y:.4g}" for x, y in sorted(pts))
        md.append(f"| {name} ({s['y']} vs {s['x']}: {detail}) | {len(pts)} | {k:.2f} | "
                  f"{s['expected']} | {verdict} | [svg](scaling/{fname}) |")
    return md


if __name__ == "__main__":
    print("\n".join(build(sys.argv[1], sys.argv[2])))
