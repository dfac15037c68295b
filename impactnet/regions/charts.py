"""The growth chart, drawn on the server as SVG with pygal.

Nothing in the SVG refers outside the app: pygal's JavaScript (tooltips, by default
linked from a CDN) is switched off, and the page shows the image through <img>, where
a browser never runs scripts anyway. Series differ by dash pattern and marker as well as
colour, so the chart can be read without colour.
"""
from __future__ import annotations

import sys
from datetime import date
from xml.etree import ElementTree

import pygal
from flask_babel import gettext as _
from pygal.style import Style

# pygal appends an old-style import hook (for its map plugins, which impactnet does not use)
# to sys.meta_path; it lacks find_spec, so every later import warns. Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

from impactnet.regions.models import Target
from impactnet.stats.models import GrowthSnapshot, Projection

# Dark enough on white for contrast; partners/labelled/their targets share a colour.
STYLE = Style(background="white", plot_background="white", foreground="#222", foreground_strong="#111",
              foreground_subtle="#555", colors=("#1b6e3a", "#1f4e99", "#1b6e3a", "#1f4e99", "#1b6e3a", "#1f4e99"),
              font_family="sans-serif", label_font_size=12, major_label_font_size=12, legend_font_size=13)
SOLID, TARGET_DASH, PROJECTION_DASH = None, "12, 6", "3, 5"


def growth_svg(title: str, months: list[GrowthSnapshot], target: Target | None,
               projection: Projection | None) -> bytes:
    """Partners and labelled organisations per month, the current year's targets as horizontal
    lines and the projected path from the last month to the day each target is reached."""
    chart = pygal.DateLine(
        js=[],  # no <script>, and above all none from a CDN: the machines have no internet
        style=STYLE, title=title, width=900, height=420, x_label_rotation=30, show_minor_x_labels=True,
        x_value_formatter=lambda day: day.strftime("%Y-%m"), legend_at_bottom=True, legend_at_bottom_columns=2,
        truncate_legend=-1, disable_xml_declaration=True, include_x_axis=True, dots_size=4)
    points = [(s.day, s.partners) for s in months], [(s.day, s.labelled) for s in months]
    chart.add(_("Partners"), points[0], stroke_style={"width": 3})
    chart.add(_("Met label"), points[1], stroke_style={"width": 3, "dasharray": "8, 3, 2, 3"}, dots_size=5)
    if target is not None:
        first = months[0].day if months else date(target.year, 1, 1)
        end = date(target.year, 12, 31)
        chart.add(_("Doel partners %(year)s", year=target.year), [(first, target.partners_wanted), (end, target.partners_wanted)],
                  stroke_style={"width": 2, "dasharray": TARGET_DASH}, show_dots=False)
        chart.add(_("Doel met label %(year)s", year=target.year), [(first, target.labelled_wanted), (end, target.labelled_wanted)],
                  stroke_style={"width": 2, "dasharray": TARGET_DASH}, show_dots=False)
        if projection is not None and months:
            last = months[-1]
            for name, now, reached, wanted in (
                    (_("Verwachting partners"), last.partners, projection.projected_partners_date, target.partners_wanted),
                    (_("Verwachting met label"), last.labelled, projection.projected_labelled_date,
                     target.labelled_wanted)):
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
