#!/usr/bin/env python3
"""Generate the demo cover art for the bundled "nature-covers" exhibition.

How to run (from the repository root; dev-only tool, not needed by docent):

    python3 -m pip install pillow        # once
    python3 tools/make_covers.py         # writes exhibits/nature-covers/covers/*.png

Options:
    python3 tools/make_covers.py --out DIR          # write somewhere else
    python3 tools/make_covers.py alphago dnc        # only these story ids

What it makes: one 720x960 (portrait 3:4) PNG per story, named
<story-id>.png. Each picture is ORIGINAL abstract art built from flat shapes
that hints at the research topic (a Go grid, a double helix, orbits...),
with a caption band giving a short English title and the year, and a small
"docent demo art" label in the top-left corner. It deliberately does not
imitate the journal's masthead or any real cover: these are placeholders,
so staff can replace them with images they have the rights to.

Output is deterministic: every random choice comes from a generator seeded
by the story id, so re-running gives the same pictures. Colours are reduced
to a small palette so each file stays well under ~120 KB.

Fonts: DejaVu Sans is used when it can be found (it usually is on Linux);
otherwise Pillow's built-in font is used.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import shutil
import subprocess
import sys
from pathlib import Path

try:
    from PIL import Image, ImageDraw, ImageFont
except ImportError:  # pragma: no cover - tool bootstrap message
    sys.exit("make_covers.py needs Pillow: python3 -m pip install pillow")

# Final size, and the supersampling factor: shapes are drawn at SS times the
# size and scaled down, which gives smooth (anti-aliased) edges.
WIDTH, HEIGHT = 720, 960
SS = 2
W, H = WIDTH * SS, HEIGHT * SS
CAPTION_H = 150 * SS          # height of the caption band at the bottom
ART_H = H - CAPTION_H         # height of the picture area above it
PALETTE_COLOURS = 64          # colours kept after quantizing

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "exhibits" / "nature-covers" / "covers"


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def rng_for(story_id: str) -> random.Random:
    """A random generator seeded by the story id (stable across runs and
    Python versions, unlike hash())."""
    seed = int.from_bytes(hashlib.sha256(story_id.encode()).digest()[:8], "big")
    return random.Random(seed)


def hexrgb(h: str) -> tuple[int, int, int]:
    h = h.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def mix(a, b, t: float):
    a, b = hexrgb(a) if isinstance(a, str) else a, hexrgb(b) if isinstance(b, str) else b
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def circle(d: ImageDraw.ImageDraw, cx, cy, r, fill=None, outline=None, width=1):
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, outline=outline, width=width)


def find_font(bold: bool) -> str | None:
    """Path of a DejaVu Sans font, or None."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for base in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
                 "/usr/share/fonts/TTF", "/Library/Fonts", "C:/Windows/Fonts"):
        p = Path(base) / name
        if p.exists():
            return str(p)
    if shutil.which("fc-match"):
        pattern = "DejaVu Sans:style=Bold" if bold else "DejaVu Sans"
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", pattern],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
            if out and Path(out).exists():
                return out
        except (OSError, subprocess.SubprocessError):
            pass
    return None


_FONT_PATHS = {True: find_font(True), False: find_font(False)}


def font(size: int, bold: bool = False):
    path = _FONT_PATHS[bold]
    if path:
        return ImageFont.truetype(path, size)
    try:
        return ImageFont.load_default(size)   # Pillow >= 10.1
    except TypeError:
        return ImageFont.load_default()


def fit_font(d: ImageDraw.ImageDraw, text: str, max_w: int, size: int, bold=True):
    """Largest font (down from `size`) in which `text` fits in `max_w` px."""
    while size > 10:
        f = font(size, bold)
        if d.textlength(text, font=f) <= max_w:
            return f
        size -= 2
    return font(size, bold)


# ---------------------------------------------------------------------------
# one drawing function per story; each draws into the art area (0..W, 0..ART_H)
# ---------------------------------------------------------------------------

def art_alphago(img, d, r):
    """A 19x19 Go grid with clusters of black and white stones."""
    d.rectangle((0, 0, W, ART_H), fill="#e9d3a6")
    # a few large flat bands for depth, not wood grain
    for i in range(5):
        y = r.randint(0, ART_H)
        d.rectangle((0, y, W, y + r.randint(20, 70) * SS), fill=mix("#e9d3a6", "#d9bd86", 0.5))
    n, margin = 19, 70 * SS
    size = min(W, ART_H) - 2 * margin
    x0, y0 = (W - size) // 2, (ART_H - size) // 2 + 20 * SS
    step = size / (n - 1)
    for i in range(n):
        p = round(i * step)
        d.line((x0, y0 + p, x0 + size, y0 + p), fill="#5a4326", width=2 * SS)
        d.line((x0 + p, y0, x0 + p, y0 + size), fill="#5a4326", width=2 * SS)
    for i in (3, 9, 15):
        for j in (3, 9, 15):
            circle(d, x0 + j * step, y0 + i * step, 5 * SS, fill="#5a4326")
    occupied = set()
    stone_r = step * 0.47
    for _ in range(9):  # groups of stones grown from random seeds
        gi, gj = r.randrange(n), r.randrange(n)
        colour = r.choice(("b", "w"))
        for _ in range(r.randint(4, 12)):
            gi = min(n - 1, max(0, gi + r.choice((-1, 0, 1))))
            gj = min(n - 1, max(0, gj + r.choice((-1, 0, 1))))
            if (gi, gj) in occupied:
                continue
            occupied.add((gi, gj))
            cx, cy = x0 + gj * step, y0 + gi * step
            if colour == "b":
                circle(d, cx, cy, stone_r, fill="#1c1c1c")
                circle(d, cx - stone_r * 0.3, cy - stone_r * 0.3, stone_r * 0.22, fill="#3a3a3a")
            else:
                circle(d, cx, cy, stone_r, fill="#f7f5ef", outline="#8d8574", width=SS)


def art_alphago_zero(img, d, r):
    """A faint grid, and a ring of alternating stones shaped like a zero."""
    d.rectangle((0, 0, W, ART_H), fill="#10223f")
    n, margin = 19, 40 * SS
    size = W - 2 * margin
    x0, y0 = margin, (ART_H - size) // 2
    step = size / (n - 1)
    for i in range(n):
        p = round(i * step)
        d.line((x0, y0 + p, x0 + size, y0 + p), fill="#1d3763", width=SS)
        d.line((x0 + p, y0, x0 + p, y0 + size), fill="#1d3763", width=SS)
    cx, cy = W / 2, ART_H / 2
    # the "0": an upright ellipse of stones, alternating black and white
    rx, ry = size * 0.30, size * 0.40
    count = 34
    phase = r.random() * math.tau
    for k in range(count):
        a = phase + k * math.tau / count
        sx, sy = cx + rx * math.cos(a), cy + ry * math.sin(a)
        rad = step * 0.55
        if k % 2 == 0:
            circle(d, sx, sy, rad, fill="#0a0a0a", outline="#4f6fa3", width=SS)
        else:
            circle(d, sx, sy, rad, fill="#f4f4f0")
    # a few self-play "echo" rings, fading inwards
    for t, col in ((0.72, "#27477a"), (0.48, "#213f6e"), (0.24, "#1b355d")):
        d.ellipse((cx - rx * t, cy - ry * t, cx + rx * t, cy + ry * t), outline=col, width=3 * SS)
    circle(d, cx, cy, 8 * SS, fill="#f2c14e")


def art_breast_cancer_genomes(img, d, r):
    """A circular genome plot: ring segments, chords for rearrangements,
    dots for mutations."""
    d.rectangle((0, 0, W, ART_H), fill="#2a1626")
    cx, cy = W / 2, ART_H / 2
    R = min(W, ART_H) * 0.40
    pinks = ["#f7a1c4", "#e0568e", "#f3c6d8", "#c93d74", "#ff86a6", "#b7567f"]
    lengths = [r.uniform(0.6, 1.6) for _ in range(23)]
    total = sum(lengths)
    gap = 0.018
    a = -math.pi / 2
    arcs = []
    for i, L in enumerate(lengths):
        span = (math.tau - gap * len(lengths)) * L / total
        arcs.append((a, a + span))
        box = (cx - R, cy - R, cx + R, cy + R)
        d.arc(box, math.degrees(a), math.degrees(a + span), fill=pinks[i % len(pinks)], width=26 * SS)
        a += span + gap
    # mutation dots in an outer ring
    for _ in range(260):
        a0, a1 = r.choice(arcs)
        t = r.uniform(a0, a1)
        rr = R + r.uniform(26, 70) * SS
        circle(d, cx + rr * math.cos(t), cy + rr * math.sin(t), r.uniform(2, 4.5) * SS,
               fill=r.choice(("#ffd6e5", "#ff86a6", "#f3c6d8")))
    # chords (rearrangements): quadratic curves through a point near the centre
    inner = R - 20 * SS
    for _ in range(26):
        t1, t2 = r.uniform(0, math.tau), r.uniform(0, math.tau)
        p1 = (cx + inner * math.cos(t1), cy + inner * math.sin(t1))
        p2 = (cx + inner * math.cos(t2), cy + inner * math.sin(t2))
        ctrl = (cx + (p1[0] + p2[0] - 2 * cx) * 0.15, cy + (p1[1] + p2[1] - 2 * cy) * 0.15)
        pts = []
        for k in range(41):
            s = k / 40
            pts.append(((1 - s) ** 2 * p1[0] + 2 * (1 - s) * s * ctrl[0] + s * s * p2[0],
                        (1 - s) ** 2 * p1[1] + 2 * (1 - s) * s * ctrl[1] + s * s * p2[1]))
        d.line(pts, fill=r.choice(("#e0568e", "#f7a1c4", "#8f3a63", "#ffb3c9")), width=3 * SS)


def art_exac(img, d, r):
    """Rows of four-coloured base tiles; roughly one in eight is a highlighted
    variant."""
    d.rectangle((0, 0, W, ART_H), fill="#f3f0e8")
    bases = ["#2f6690", "#3a7d44", "#d9a21b", "#9c4f96"]
    tile, gapx = 22 * SS, 4 * SS
    cols = (W - 60 * SS) // (tile + gapx)
    x0 = (W - cols * (tile + gapx) + gapx) // 2
    rows = (ART_H - 80 * SS) // (tile + 10 * SS)
    y = 50 * SS
    for row in range(rows):
        offset = r.randint(0, 7)
        for c in range(cols):
            x = x0 + c * (tile + gapx)
            col = r.choice(bases)
            if (c + offset) % 8 == 0 and r.random() < 0.8:
                # variant: a bright tile with a dark marker above
                d.rectangle((x - SS, y - SS, x + tile + SS, y + tile + SS), fill="#e4572e")
                d.polygon([(x + tile / 2, y - 3 * SS), (x + 3 * SS, y - 10 * SS),
                           (x + tile - 3 * SS, y - 10 * SS)], fill="#222222")
            else:
                d.rectangle((x, y, x + tile, y + tile), fill=col)
        y += tile + 10 * SS


def starfield(d, r, n, colours=("#ffffff", "#c9d6ff", "#ffe9c4")):
    for _ in range(n):
        x, y = r.uniform(0, W), r.uniform(0, ART_H)
        circle(d, x, y, r.choice((1, 1, 1.5, 2)) * SS, fill=r.choice(colours))


def art_proxima_b(img, d, r):
    """A red dwarf glowing in concentric flat rings, one small planet on an
    oval orbit, two bright companion points in the distance."""
    d.rectangle((0, 0, W, ART_H), fill="#0b1330")
    starfield(d, r, 140)
    sx, sy = W * 0.30, ART_H * 0.62
    for rad, col in ((300, "#2a1633"), (240, "#471a35"), (190, "#6e1f33"),
                     (150, "#a02c2d"), (118, "#d2452b"), (95, "#f06a2f")):
        circle(d, sx, sy, rad * SS, fill=col)
    circle(d, sx - 22 * SS, sy - 22 * SS, 40 * SS, fill="#ff9a4d")
    # orbit and planet
    ox, oy = 430 * SS, 150 * SS
    d.ellipse((sx - ox, sy - oy, sx + ox, sy + oy), outline="#8ea3d8", width=2 * SS)
    t = r.uniform(-1.2, -0.5)
    px, py = sx + ox * math.cos(t), sy + oy * math.sin(t)
    circle(d, px, py, 26 * SS, fill="#7b6a58")
    d.pieslice((px - 26 * SS, py - 26 * SS, px + 26 * SS, py + 26 * SS), 90, 270, fill="#c8a27a")
    # the two distant bright stars
    for bx, by, br in ((W * 0.80, ART_H * 0.16, 9), (W * 0.84, ART_H * 0.19, 6)):
        circle(d, bx * 1, by, br * 3 * SS, fill="#1d2a55")
        circle(d, bx, by, br * SS, fill="#fff6d8")


def art_genome_diversity(img, d, r):
    """A vertical double helix with rungs in many colours over scattered dots."""
    d.rectangle((0, 0, W, ART_H), fill="#fbf6ec")
    hues = ["#e63946", "#f4a261", "#2a9d8f", "#264653", "#e9c46a", "#8ab17d",
            "#6a4c93", "#1982c4", "#ff595e", "#8d5524", "#c05299", "#52b788"]
    for _ in range(120):
        circle(d, r.uniform(0, W), r.uniform(0, ART_H), r.uniform(3, 9) * SS,
               fill=mix(r.choice(hues), "#fbf6ec", 0.65))
    cx, amp = W / 2, 170 * SS
    top, bottom = 60 * SS, ART_H - 40 * SS
    turns = 2.6
    phase = r.uniform(0, math.tau)
    steps = 300
    s1, s2 = [], []
    for k in range(steps + 1):
        y = top + (bottom - top) * k / steps
        a = phase + turns * math.tau * k / steps
        s1.append((cx + amp * math.sin(a), y, math.cos(a)))
        s2.append((cx + amp * math.sin(a + math.pi), y, math.cos(a + math.pi)))
    # rungs
    for k in range(0, steps + 1, 7):
        (x1, y1, _), (x2, y2, _) = s1[k], s2[k]
        mid = (x1 + x2) / 2
        d.line((x1, y1, mid, y1), fill=r.choice(hues), width=9 * SS)
        d.line((mid, y2, x2, y2), fill=r.choice(hues), width=9 * SS)
    # backbones: back segments darker, drawn first
    for strand, base in ((s1, "#264653"), (s2, "#3d5a80")):
        for k in range(steps):
            x1, y1, z = strand[k]
            x2, y2, _ = strand[k + 1]
            col = base if z >= 0 else mix(base, "#fbf6ec", 0.45)
            d.line((x1, y1, x2, y2), fill=col, width=14 * SS)


def art_dnc(img, d, r):
    """A small neural network wired by read/write lines to a memory grid."""
    d.rectangle((0, 0, W, ART_H), fill="#0f1c1e")
    # memory matrix on the right
    cols, rows = 6, 14
    cell = 34 * SS
    mx0 = W - cols * cell - 50 * SS
    my0 = (ART_H - rows * cell) // 2
    filled = {}
    for i in range(rows):
        for j in range(cols):
            on = r.random() < 0.45
            col = r.choice(("#2ec4b6", "#cbf3f0", "#ffbf69")) if on else "#1d3336"
            filled[(i, j)] = on
            d.rectangle((mx0 + j * cell + 3 * SS, my0 + i * cell + 3 * SS,
                         mx0 + (j + 1) * cell - 3 * SS, my0 + (i + 1) * cell - 3 * SS), fill=col)
    # network on the left: three layers
    layers = [5, 7, 4]
    xs = [90 * SS, 220 * SS, 350 * SS]
    nodes = []
    for x, k in zip(xs, layers):
        ys = [ART_H / 2 + (i - (k - 1) / 2) * 95 * SS for i in range(k)]
        nodes.append([(x, y) for y in ys])
    for a, b in zip(nodes, nodes[1:]):
        for p in a:
            for q in b:
                if r.random() < 0.7:
                    d.line((*p, *q), fill="#2b4a4e", width=2 * SS)
    # read / write heads from the last layer to memory rows
    for p in nodes[-1]:
        for _ in range(2):
            i = r.randrange(rows)
            j = 0
            target = (mx0 + j * cell + 3 * SS, my0 + i * cell + cell / 2)
            d.line((*p, *target), fill=r.choice(("#ff9f1c", "#2ec4b6")), width=3 * SS)
    for layer in nodes:
        for (x, y) in layer:
            circle(d, x, y, 20 * SS, fill="#cbf3f0")
            circle(d, x, y, 11 * SS, fill="#2ec4b6")


def art_skin_cancer_ai(img, d, r):
    """An irregular lesion-like patch, and a stack of shrinking tilted grids
    (feature maps of a convolutional network)."""
    d.rectangle((0, 0, W, ART_H), fill="#f2d4bd")
    for _ in range(40):  # soft flat freckles / texture
        circle(d, r.uniform(0, W), r.uniform(0, ART_H), r.uniform(6, 22) * SS, fill="#ecc8ae")
    # lesion: a noisy closed blob, two tones
    cx, cy = W * 0.34, ART_H * 0.36
    for scale, col in ((1.0, "#7a4a35"), (0.62, "#4b2b22"), (0.3, "#2e1a16")):
        pts = []
        base = 150 * SS * scale
        harmonics = [(r.uniform(0.04, 0.12), r.randint(2, 4), r.uniform(0, math.tau)) for _ in range(3)]
        harmonics.append((0.03, r.randint(7, 9), r.uniform(0, math.tau)))  # ragged edge
        for k in range(90):
            a = k * math.tau / 90
            rad = base * (1 + sum(h * math.sin(m * a + p) for h, m, p in harmonics))
            pts.append((cx + rad * math.cos(a) + (1 - scale) * 20 * SS, cy + rad * math.sin(a)))
        d.polygon(pts, fill=col)
    # stack of feature maps, shrinking towards the lower right
    x, y = W * 0.50, ART_H * 0.50
    size = 260 * SS
    colours = ["#2b59c3", "#3f7ad6", "#5f9be3", "#8ab8ee", "#b9d6f7"]
    for layer, col in enumerate(colours):
        skew = size * 0.35
        quad = [(x, y), (x + size, y - skew * 0.3), (x + size + skew * 0.2, y + size * 0.6),
                (x + skew * 0.2, y + size * 0.6 + skew * 0.3)]
        d.polygon(quad, fill=col, outline="#1b2d5a")
        n = max(3, 8 - layer)
        for g in range(1, n):
            t = g / n
            a = (quad[0][0] + (quad[1][0] - quad[0][0]) * t, quad[0][1] + (quad[1][1] - quad[0][1]) * t)
            b = (quad[3][0] + (quad[2][0] - quad[3][0]) * t, quad[3][1] + (quad[2][1] - quad[3][1]) * t)
            d.line((*a, *b), fill="#1b2d5a", width=SS)
            a = (quad[0][0] + (quad[3][0] - quad[0][0]) * t, quad[0][1] + (quad[3][1] - quad[0][1]) * t)
            b = (quad[1][0] + (quad[2][0] - quad[1][0]) * t, quad[1][1] + (quad[2][1] - quad[1][1]) * t)
            d.line((*a, *b), fill="#1b2d5a", width=SS)
        x += size * 0.30
        y += size * 0.22
        size *= 0.72
    # output: two small result dots
    circle(d, W - 70 * SS, ART_H - 70 * SS, 18 * SS, fill="#e63946")
    circle(d, W - 120 * SS, ART_H - 70 * SS, 18 * SS, fill="#52b788")


def art_trappist_1(img, d, r):
    """Top-down view: a small dim red star with seven tightly packed orbits."""
    d.rectangle((0, 0, W, ART_H), fill="#090b1a")
    starfield(d, r, 180)
    cx, cy = W / 2, ART_H / 2
    for rad, col in ((70, "#3b1020"), (52, "#7a1d26"), (38, "#b8322a"), (26, "#e0573a")):
        circle(d, cx, cy, rad * SS, fill=col)
    planet_cols = ["#b56576", "#e56b6f", "#eaac8b", "#6d9dc5", "#4f8a8b", "#a3c4bc", "#c9ada7"]
    planet_r = [13, 14, 10, 12, 14, 15, 10]
    for k in range(7):
        orbit = (105 + k * 36) * SS
        d.ellipse((cx - orbit, cy - orbit, cx + orbit, cy + orbit), outline="#2c3563", width=2 * SS)
        a = r.uniform(0, math.tau)
        px, py = cx + orbit * math.cos(a), cy + orbit * math.sin(a)
        circle(d, px, py, planet_r[k] * SS + 5 * SS, fill="#090b1a")
        circle(d, px, py, planet_r[k] * SS, fill=planet_cols[k])


def art_zika_genomes(img, d, r):
    """A phylogenetic tree growing from left to right, and a spiky virus."""
    d.rectangle((0, 0, W, ART_H), fill="#f1f5ee")
    region_cols = ["#2a9d8f", "#e76f51", "#264653", "#e9c46a", "#8e7dbe"]
    line = "#3c4f4a"

    # Random tree: repeatedly split a random tip until there are n_tips.
    # Each node is [depth_x, children]; tips get evenly spaced y positions.
    n_tips = 22
    root = [0.0, []]
    tips = [root]
    while len(tips) < n_tips:
        leaf = r.choice(tips)
        tips.remove(leaf)
        for _ in range(2):
            child = [leaf[0] + r.uniform(0.5, 1.6), []]
            leaf[1].append(child)
            tips.append(child)
    max_x = max(t[0] for t in tips)
    left, right = 50 * SS, W * 0.66
    top, bottom = 60 * SS, ART_H - 50 * SS
    order = []

    def collect(node):
        if node[1]:
            for c in node[1]:
                collect(c)
        else:
            order.append(node)

    collect(root)
    ypos = {id(t): top + (bottom - top) * i / (len(order) - 1) for i, t in enumerate(order)}

    def place(node):
        if not node[1]:
            return ypos[id(node)]
        ys = [place(c) for c in node[1]]
        ypos[id(node)] = sum(ys) / len(ys)
        return ypos[id(node)]

    place(root)

    def X(node):
        return left + (right - left) * node[0] / max_x

    tip_colour = {}

    def draw(node, colour):
        if not node[1]:
            tip_colour[id(node)] = colour
            return
        ys = [ypos[id(c)] for c in node[1]]
        d.line((X(node), min(ys), X(node), max(ys)), fill=line, width=3 * SS)
        for c in node[1]:
            d.line((X(node), ypos[id(c)], X(c), ypos[id(c)]), fill=line, width=3 * SS)
            draw(c, colour if r.random() < 0.75 else r.choice(region_cols))

    d.line((left - 30 * SS, ypos[id(root)], left, ypos[id(root)]), fill=line, width=3 * SS)
    draw(root, region_cols[0])
    for t in order:
        circle(d, X(t), ypos[id(t)], 10 * SS, fill=tip_colour[id(t)])

    # virus on the right, clear of the tree
    vx, vy, vr = W - 120 * SS, ART_H * 0.30, 62 * SS
    for k in range(22):
        a = k * math.tau / 22
        x1, y1 = vx + vr * math.cos(a), vy + vr * math.sin(a)
        x2, y2 = vx + (vr + 22 * SS) * math.cos(a), vy + (vr + 22 * SS) * math.sin(a)
        d.line((x1, y1, x2, y2), fill="#8c2f39", width=5 * SS)
        circle(d, x2, y2, 7 * SS, fill="#b23a48")
    circle(d, vx, vy, vr, fill="#b23a48")
    # flat facets, hinting at the virus's geometric shell
    for k in range(6):
        a = k * math.tau / 6 + 0.3
        circle(d, vx + vr * 0.5 * math.cos(a), vy + vr * 0.5 * math.sin(a), 13 * SS, fill="#d05a67")
    circle(d, vx, vy, 16 * SS, fill="#d05a67")
    # a short dotted trail from the virus towards the tree's tips
    for k in range(7):
        circle(d, vx - 40 * SS - k * 22 * SS, vy + 110 * SS + k * 30 * SS, 4 * SS, fill="#b23a48")


# ---------------------------------------------------------------------------
# story list: id -> (drawing function, short English title, year, band colour)
# ---------------------------------------------------------------------------

STORIES = {
    "alphago": (art_alphago, "AlphaGo", 2016, "#3b2a17"),
    "breast-cancer-genomes": (art_breast_cancer_genomes, "560 Breast Cancer Genomes", 2016, "#5b1f3b"),
    "exac": (art_exac, "60,706 Exomes", 2016, "#24425e"),
    "proxima-b": (art_proxima_b, "Proxima b", 2016, "#5e1a1f"),
    "genome-diversity": (art_genome_diversity, "300 Human Genomes", 2016, "#264653"),
    "dnc": (art_dnc, "Differentiable Neural Computer", 2016, "#134e4a"),
    "skin-cancer-ai": (art_skin_cancer_ai, "AI Reads Skin Lesions", 2017, "#1b2d5a"),
    "trappist-1": (art_trappist_1, "TRAPPIST-1", 2017, "#3a1530"),
    "zika-genomes": (art_zika_genomes, "Tracking Zika", 2017, "#3c4f4a"),
    "alphago-zero": (art_alphago_zero, "AlphaGo Zero", 2017, "#0a1628"),
}


def render(story_id: str) -> Image.Image:
    draw_fn, title, year, band = STORIES[story_id]
    r = rng_for(story_id)
    img = Image.new("RGB", (W, H), "#ffffff")
    d = ImageDraw.Draw(img)
    draw_fn(img, d, r)

    # caption band
    d.rectangle((0, ART_H, W, H), fill=band)
    d.rectangle((0, ART_H, W, ART_H + 6 * SS), fill=mix(band, "#ffffff", 0.35))
    pad = 36 * SS
    year_font = font(30 * SS)
    year_txt = str(year)
    year_w = d.textlength(year_txt, font=year_font)
    title_font = fit_font(d, title, int(W - 3 * pad - year_w), 44 * SS, bold=True)
    mid = ART_H + (CAPTION_H + 6 * SS) // 2
    d.text((pad, mid), title, font=title_font, fill="#ffffff", anchor="lm")
    d.text((W - pad, mid), year_txt, font=year_font, fill=mix(band, "#ffffff", 0.7), anchor="rm")

    # corner label
    label_font = font(15 * SS, bold=True)
    label = "docent demo art"
    lw = d.textlength(label, font=label_font)
    d.rectangle((14 * SS, 14 * SS, 14 * SS + lw + 20 * SS, 14 * SS + 30 * SS), fill="#ffffff")
    d.text((24 * SS, 29 * SS), label, font=label_font, fill="#222222", anchor="lm")

    small = img.resize((WIDTH, HEIGHT), Image.LANCZOS)
    return small.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT,
                          dither=Image.Dither.NONE)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ids", nargs="*", help="story ids to render (default: all)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = ap.parse_args(argv)
    ids = args.ids or list(STORIES)
    unknown = [i for i in ids if i not in STORIES]
    if unknown:
        ap.error(f"unknown story id(s): {', '.join(unknown)}; known: {', '.join(STORIES)}")
    args.out.mkdir(parents=True, exist_ok=True)
    if not _FONT_PATHS[True]:
        print("note: DejaVu Sans not found, using Pillow's default font", file=sys.stderr)
    for sid in ids:
        path = args.out / f"{sid}.png"
        render(sid).save(path, optimize=True)
        print(f"{path}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
