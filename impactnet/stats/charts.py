"""The growth chart, drawn on the server as SVG with pygal.

Nothing in the SVG refers outside the app: pygal's JavaScript (tooltips, by default
linked from a CDN) is switched off, and the page shows the image through <img>, where
a browser never runs scripts anyway. Series differ by dash pattern and marker as well as
colour, so the chart can be read without colour.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree

from flask_babel import gettext as _

from impactnet.regions.models import Target
from impactnet.stats.models import GrowthSnapshot, Projection

COLOURS = ("#1b6e3a", "#1f4e99", "#1b6e3a", "#1f4e99", "#1b6e3a", "#1f4e99")
SOLID, TARGET_DASH, PROJECTION_DASH = None, "12, 6", "3, 5"


@dataclass(frozen=True)
class Size:
    """One rendering of the chart. The page shows ``small`` on narrow screens (through <picture>):
    drawn 400 units wide it is scaled to about 0.85 on a 375 px phone, so 15-unit text reads at
    about 13 px there, where the wide chart's 12-unit text would shrink to under 5 px."""

    width: int
    height: int
    text: int  # axis labels
    legend: int
    title: int
    rotation: int
    legend_columns: int
    label_every_months: int  # 0: as pygal chooses


SIZES = {
    "wide": Size(
        width=900, height=420, text=12, legend=13, title=16, rotation=30, legend_columns=2, label_every_months=0
    ),
    "small": Size(
        width=400, height=520, text=15, legend=15, title=17, rotation=45, legend_columns=1, label_every_months=6
    ),
}


def _pygal():
    """pygal, imported on the first chart drawn: a web worker that never draws one does not carry it."""
    import pygal

    # pygal appends an old-style import hook (for its map plugins, which impactnet does not use)
    # to sys.meta_path; it lacks find_spec, so every later import warns. Take it out again.
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]
    return pygal


def _style(size: Size):
    _pygal()
    from pygal.style import Style

    # Dark enough on white for contrast; partners/labelled/their targets share a colour.
    return Style(
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#555",
        colors=COLOURS,
        font_family="sans-serif",
        label_font_size=size.text,
        major_label_font_size=size.text,
        legend_font_size=size.legend,
        title_font_size=size.title,
    )


def _label_days(first: date, last: date, every: int) -> list[date]:
    """First days of months from ``first`` to ``last``, ``every`` months apart (January on the grid)."""
    day, days = date(first.year, 1, 1), []
    while day <= last:
        if day >= first.replace(day=1):
            days.append(day)
        month = day.month - 1 + every
        day = date(day.year + month // 12, month % 12 + 1, 1)
    return days


def _target_path(targets: list[Target], field: str, first: date) -> list:
    """Each target as a level line across its own year (from ``first`` when the year began
    earlier), ending in a marked point on 31 December; None between years breaks the line."""
    path: list = []
    for target in targets:
        end = date(target.year, 12, 31)
        if end < first:
            continue  # before the chart's months: the results table shows it
        wanted = getattr(target, field)
        path += [*([None] if path else []), (max(first, date(target.year, 1, 1)), wanted), (end, wanted)]
    return path


def growth_svg(
    title: str,
    months: list[GrowthSnapshot],
    target: Target | None,
    projection: Projection | None,
    targets: list[Target] | None = None,
    size: str = "wide",
) -> bytes:
    """Partners and labelled organisations per month; every target (``targets``, by default
    ``target`` alone) as a level line across its year with a marked point at its end; and the
    projected path from the last month to the day the open ``target`` is reached."""
    shape = SIZES[size]
    targets = [target] if targets is None and target is not None else list(targets or [])
    chart = _pygal().DateLine(
        js=[],  # no <script>, and above all none from a CDN: the machines have no internet
        style=_style(shape),
        title=title,
        width=shape.width,
        height=shape.height,
        x_label_rotation=shape.rotation,
        show_minor_x_labels=True,
        x_value_formatter=lambda day: day.strftime("%Y-%m"),
        legend_at_bottom=True,
        legend_at_bottom_columns=shape.legend_columns,
        truncate_legend=-1,
        disable_xml_declaration=True,
        include_x_axis=True,
        dots_size=4,
        allow_interruptions=True,
    )
    points = [(s.day, s.partners) for s in months], [(s.day, s.labelled) for s in months]
    first = months[0].day if months else date(min((t.year for t in targets), default=1), 1, 1)
    targets = [t for t in targets if date(t.year, 12, 31) >= first]
    if shape.label_every_months and (months or targets):
        last = max([*(s.day for s in months), *(date(t.year, 12, 31) for t in targets), first])
        chart.x_labels = _label_days(first, last, shape.label_every_months)
    chart.add(_("Partners"), points[0], stroke_style={"width": 3})
    chart.add(_("Met label"), points[1], stroke_style={"width": 3, "dasharray": "8, 3, 2, 3"}, dots_size=5)
    if targets:
        chart.add(
            _("Doel partners (per jaar)"),
            _target_path(targets, "partners_wanted", first),
            stroke_style={"width": 2, "dasharray": TARGET_DASH},
            dots_size=6,
        )
        chart.add(
            _("Doel met label (per jaar)"),
            _target_path(targets, "labelled_wanted", first),
            stroke_style={"width": 2, "dasharray": TARGET_DASH},
            dots_size=6,
        )
        if target is not None and projection is not None and months:
            last = months[-1]
            for name, now, reached, wanted in (
                (_("Verwachting partners"), last.partners, projection.projected_partners_date, target.partners_wanted),
                (_("Verwachting met label"), last.labelled, projection.projected_labelled_date, target.labelled_wanted),
            ):
                # Added even when empty (reached already, or no growth), so the colours stay paired.
                path = [(last.day, now), (reached, wanted)] if reached is not None and reached > last.day else []
                chart.add(name, path, stroke_style={"width": 2, "dasharray": PROJECTION_DASH}, dots_size=3)
    return _without_scripts_and_comments(chart.render_tree())


def _without_scripts_and_comments(root) -> bytes:
    """pygal always adds a small inline script (its tooltip settings) and comments linking to its
    website; neither is needed for a static image, so the SVG holds no script and no outside URL."""
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag is ElementTree.Comment or str(child.tag).endswith("script"):
                parent.remove(child)
    return ElementTree.tostring(root, encoding="utf-8")
