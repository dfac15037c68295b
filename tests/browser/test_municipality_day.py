"""The municipality viewer's day, in a real browser on a desktop and on a 375 px phone: how the
last target year ended (reached or not, the numbers, a bar), the chart's text readable on the
phone, and a download that Dutch Excel splits into columns."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_accessibility import sign_in
from tests.browser.test_registration_flow import assert_no_horizontal_overflow
from tests.stats.test_results import dordrecht_history

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
SMALLEST_TEXT_PX = 11


@pytest.fixture
def viewer(dordrecht, zwijndrecht, path):
    today = dordrecht_history(dordrecht, zwijndrecht)
    user = factories.MunicipalityUserFactory(municipality=dordrecht, email="ambtenaar@dordrecht.example.nl")
    return user, today


def _page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="nl-NL", accept_downloads=True)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_dordrecht_viewer_s_dashboard_answers_how_last_year_ended(browser, live_server, viewer, viewport):
    user, today = viewer
    last = today.year - 1
    context, page = _page(browser, live_server, viewport)
    try:
        sign_in(page, user.email)
        page.goto("/municipalities/dordrecht")
        expect(page.get_by_role("heading", name=f"Doel {today.year}")).to_be_visible()
        expect(page.get_by_text(f"Geen doel voor {today.year} vastgesteld.")).to_be_visible()
        expect(page.get_by_role("heading", name="Hoe liepen de vorige doeljaren af?")).to_be_visible()
        ended = page.locator(".target-result").filter(
            has=page.get_by_role("heading", name=f"{last}: doel niet gehaald")
        )
        expect(ended).to_be_visible()
        expect(ended.get_by_text(f"Stand op 31 december {last}.")).to_be_visible()
        expect(ended.get_by_text("118 van 155 partners (76%)")).to_be_visible()
        expect(ended.get_by_text("37 te weinig")).to_be_visible()
        expect(ended.get_by_text("52 van 110 met label (47%)")).to_be_visible()
        expect(ended.get_by_text("58 te weinig")).to_be_visible()
        bar = ended.get_by_role("progressbar", name="118 van 155 partners (76%)")
        expect(bar).to_be_visible()
        expect(bar).to_have_attribute("value", "118")
        expect(bar).to_have_attribute("max", "155")
        box = bar.bounding_box()
        assert box["width"] >= 80 and box["height"] >= 8  # a bar one can see, not a hairline
        reached = page.locator(".target-result").filter(
            has=page.get_by_role("heading", name=f"{today.year - 2}: doel gehaald")
        )
        expect(reached.get_by_text("80 van 75 partners (107%)")).to_be_visible()
        # The targets table says the same year by year.
        row = page.get_by_role("row", name=f"{last} 155 110 118 52 niet gehaald")
        expect(row).to_be_visible()
        if viewport is PHONE:
            assert_no_horizontal_overflow(page)
        page.screenshot(path=f"/tmp/munis-dashboard-{viewport['width']}.png", full_page=True)  # to look at
        page.screenshot(
            path=f"/tmp/munis-top-{viewport['width']}.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": viewport["width"], "height": 1500},
        )
    finally:
        context.close()


def _rendered_text_sizes(page, chart_url: str, width: float) -> list[float]:
    """Open the chart as the page drew it (``width`` CSS px wide) and return, for every text in it,
    the font size it renders at in CSS px (its size in the SVG times the scale)."""
    page.goto(chart_url)
    return page.evaluate(
        """(width) => {
        const svg = document.documentElement;
        svg.setAttribute('width', width);
        svg.removeAttribute('height');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('.axis text, .legend text, .title')]
            .filter((t) => t.textContent.trim() && t.getBoundingClientRect().height > 0)
            .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    }""",
        width,
    )


def test_the_chart_s_text_is_readable_on_a_375_px_phone(browser, live_server, viewer):
    user, _today = viewer
    context, page = _page(browser, live_server, PHONE)
    try:
        sign_in(page, user.email)
        page.goto("/municipalities/dordrecht")
        chart = page.get_by_role("img", name="Grafiek: partners en organisaties met label per maand.", exact=False)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        page.wait_for_function("document.querySelector('figure.chart img').complete")
        source, width = page.evaluate(
            "(() => { const img = document.querySelector('figure.chart img');"
            " return [img.currentSrc, img.getBoundingClientRect().width]; })()"
        )
        assert "size=small" in source and 300 <= width <= 375
        chart.screenshot(path="/tmp/munis-chart-375.png")
        sizes = _rendered_text_sizes(page, source, width)
        assert len(sizes) >= 5 and min(sizes) >= SMALLEST_TEXT_PX, sizes
        # The wide chart drawn in the same space would not be readable: what the small one is for.
        wide = _rendered_text_sizes(page, source.replace("?size=small", ""), width)
        assert min(wide) < SMALLEST_TEXT_PX
    finally:
        context.close()


def test_a_download_splits_into_dutch_columns(browser, live_server, viewer):
    user, today = viewer
    context, page = _page(browser, live_server, DESKTOP)
    try:
        sign_in(page, user.email)
        page.goto("/municipalities/dordrecht")
        targets = page.get_by_role("heading", name="Doelen", exact=True)
        link = targets.locator("xpath=following::a[normalize-space()='CSV'][1]")
        with page.expect_download() as download:
            link.click()
        body = download.value.path().read_bytes()
        assert body.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert rows[0][:7] == [
            "Jaar",
            "Doel partners",
            "Doel met label",
            "Stand op",
            "Bereikt: partners",
            "Bereikt: met label",
            "Doel gehaald",
        ]
        assert rows[2][:7] == [str(today.year - 1), "155", "110", f"{today.year - 1}-12-31", "118", "52", "nee"]
    finally:
        context.close()


def test_the_overview_on_a_phone_says_per_municipality_how_each_target_year_went(browser, live_server, viewer):
    _user, today = viewer
    context, page = _page(browser, live_server, PHONE)
    try:
        page.goto("/regions")
        dordrecht = page.get_by_role("region", name="Dordrecht")
        ended = dordrecht.locator(".target-result").filter(
            has=page.get_by_role("heading", name=f"{today.year - 1}: doel niet gehaald")
        )
        expect(ended.get_by_text("118 van 155 partners (76%)")).to_be_visible()
        expect(ended.get_by_text("37 te weinig")).to_be_visible()
        expect(ended.get_by_role("progressbar", name="52 van 110 met label (47%)")).to_have_attribute("value", "52")
        assert_no_horizontal_overflow(page)
        page.screenshot(path="/tmp/munis-overview-375.png", full_page=True)
    finally:
        context.close()
