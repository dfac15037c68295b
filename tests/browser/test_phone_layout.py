"""The header, the menu and the wide tables on a 375 px phone (issue 12), and the menu on a desktop.

On a phone the header is at most about two lines (the brand with a "Menu" disclosure, and who is signed
in for which organisation or role); the menu opens with the keyboard and shows the role's links; every
page the menu offers fits without sideways scrolling; the staff queue shows each item's organisation and
step as a card. On a desktop the whole menu shows as before.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP_VIEWPORT
from tests.browser.test_accessibility import (
    EMAILS,
    assert_no_serious_axe_violations,
    sign_in,
)

pytestmark = pytest.mark.browser

PHONE_375 = {"viewport": {"width": 375, "height": 740}}
MAX_HEADER_PX = 100
PUBLIC_LINKS = ["Partners", "Label controleren", "Per gemeente"]
SIGNED_IN_LINKS = {
    "partner": [*PUBLIC_LINKS, "Overzicht", "Collega's", "Wachtwoord", "Herinneringen"],
    "staff": [
        *PUBLIC_LINKS,
        "Overzicht",
        "Te beoordelen",
        "Organisaties",
        "Mijn organisaties",
        "Inspiratiesessies",
        "Gemeenten",
        "Stappen",
        "Mislukte e-mails",
        "Wachtwoord",
        "Herinneringen",
    ],
    "viewer": [*PUBLIC_LINKS, "Overzicht", "API-sleutels", "Wachtwoord", "Herinneringen"],
}
SIGNED_IN_AS = {
    "partner": "Ingelogd als Inge de Vries, Bakkerij De Merwede B.V.",
    "staff": "Ingelogd als Sanne de Vries, St MBO",
    "viewer": "Ingelogd als Joost Bakker, gemeente Dordrecht",
}
# The page's width, and any card table (or compact one: the staff dashboard's counts) that scrolls inside
# its frame, which they must not need.
WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  cards: [...document.querySelectorAll('table.cards, .compact-table table')].filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
           .map(t => t.caption ? t.caption.textContent.trim() : t.outerHTML.slice(0, 60)),
})"""


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def menu(page):
    return page.locator("details.menu-phone")


def assert_fits(page, width: int = 375) -> None:
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= width and not widths["cards"], f"{page.url}: {widths}"


@pytest.mark.parametrize("role", ["partner", "staff", "viewer"])
def test_on_a_phone_the_header_says_who_is_signed_in_and_the_menu_opens_by_keyboard(new_page, network, role):
    page = new_page(**PHONE_375)
    sign_in(page, EMAILS[role])
    page.goto("/dashboard")
    expect(page.locator(".site-header .signed-in")).to_have_text(SIGNED_IN_AS[role])
    expect(page.locator(".site-header .signed-in")).to_be_in_viewport()
    assert header_height(page) <= MAX_HEADER_PX, header_height(page)
    hoofdmenu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(hoofdmenu.get_by_role("link", name="Partners", exact=True)).to_be_hidden()

    # Tab: the skip link, the brand, then "Menu"; Enter opens it.
    summary = menu(page).locator("summary")
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    expect(summary).to_have_text("Menu")
    page.keyboard.press("Enter")
    expect(menu(page)).to_have_attribute("open", "")
    expect(hoofdmenu).to_have_count(1)  # the desktop's menu is out of sight and out of the accessibility tree
    assert hoofdmenu.get_by_role("link").all_inner_texts() == SIGNED_IN_LINKS[role]
    for name in SIGNED_IN_LINKS[role]:
        expect(hoofdmenu.get_by_role("link", name=name, exact=True)).to_be_in_viewport()
    expect(hoofdmenu.get_by_role("button", name="Uitloggen")).to_be_visible()
    # The page's own link says it is the current one (the viewer's /dashboard is the municipality's page).
    current = hoofdmenu.locator("[aria-current=page]")
    if role == "viewer":
        expect(current).to_have_count(0)
    else:
        expect(current).to_have_text("Overzicht")
    page.keyboard.press("Tab")
    expect(hoofdmenu.get_by_role("link", name="Partners", exact=True)).to_be_focused()

    # Escape closes it again and gives the focus back to "Menu"; the header is as small as before.
    page.keyboard.press("Escape")
    expect(menu(page)).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    assert header_height(page) <= MAX_HEADER_PX


def test_on_a_phone_a_visitors_menu_offers_signing_in_and_the_header_names_no_one(new_page, network):
    page = new_page(**PHONE_375)
    page.goto("/")
    assert header_height(page) <= MAX_HEADER_PX
    expect(page.locator(".signed-in")).to_have_count(0)
    menu(page).locator("summary").click()
    hoofdmenu = page.get_by_role("navigation", name="Hoofdmenu")
    assert hoofdmenu.get_by_role("link").all_inner_texts() == [*PUBLIC_LINKS, "Inloggen", "Aanmelden"]
    hoofdmenu.get_by_role("link", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    menu(page).locator("summary").click()
    expect(hoofdmenu.get_by_role("link", name="Inloggen")).to_have_attribute("aria-current", "page")


@pytest.mark.parametrize("role", ["partner", "staff", "viewer"])
def test_every_page_of_the_menu_fits_a_375_px_phone(new_page, network, role):
    page = new_page(**PHONE_375)
    sign_in(page, EMAILS[role])
    page.goto("/dashboard")
    links = page.eval_on_selector_all("details.menu-phone nav a", "links => links.map(a => a.getAttribute('href'))")
    assert len(links) == len(SIGNED_IN_LINKS[role])
    for href in links:
        response = page.goto(href)
        assert response.status == 200, href
        assert_fits(page)
        assert header_height(page) <= MAX_HEADER_PX, (href, header_height(page))


def test_on_a_phone_the_staff_queue_shows_each_item_as_a_card_with_its_organisation_and_step(new_page, network):
    page = new_page(**PHONE_375)
    sign_in(page, EMAILS["staff"])
    page.goto("/review/")
    assert_fits(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=re.compile("Schildersbedrijf Oud B.V.")))
    expect(row).to_have_count(1)
    step = row.locator("td[data-label=Stap]")
    expect(step).to_have_text("Partnerovereenkomst")
    for cell in (row.get_by_role("link", name=re.compile("Schildersbedrijf Oud B.V.")), step):
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    # Each line of the card is named by its column, on screen; a screen reader still meets a table.
    assert page.evaluate("el => getComputedStyle(el, '::before').content", step.element_handle()).startswith('"Stap: "')
    expect(page.get_by_role("columnheader", name="Stap")).to_have_count(1)
    expect(row.get_by_role("cell")).to_have_count(6)  # with "Opgepakt door"
    # The card is one column: the step is below the organisation, not beside it.
    organisation_box = row.get_by_role("cell").first.bounding_box()
    assert step.bounding_box()["y"] >= organisation_box["y"] + organisation_box["height"] - 1


def test_on_a_desktop_the_whole_menu_shows_and_works_as_before(new_page, network):
    page = new_page(viewport=DESKTOP_VIEWPORT)
    sign_in(page, EMAILS["staff"])
    expect(menu(page)).to_be_hidden()
    hoofdmenu = page.get_by_role("navigation", name="Hoofdmenu")
    assert hoofdmenu.get_by_role("link").all_inner_texts() == SIGNED_IN_LINKS["staff"]
    expect(page.locator(".site-header .signed-in")).to_have_text(SIGNED_IN_AS["staff"])
    assert header_height(page) <= 160
    hoofdmenu.get_by_role("link", name="Te beoordelen").click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(hoofdmenu.get_by_role("link", name="Te beoordelen")).to_have_attribute("aria-current", "page")
    # The queue is a table with its column headers on screen.
    expect(page.get_by_role("columnheader", name="Stap").first).to_be_in_viewport()
    hoofdmenu.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inloggen")).to_be_visible()


@pytest.mark.parametrize(
    ("role", "url"), [("staff", "/review/"), ("staff", "/organisations/"), ("partner", "/dashboard")]
)
def test_on_a_phone_the_open_menu_and_the_cards_have_no_serious_axe_violations(
    new_page, axe_script, network, role, url
):
    page = new_page(bypass_csp=True, **PHONE_375)
    sign_in(page, EMAILS[role])
    page.goto(url)
    menu(page).locator("summary").click()
    expect(menu(page)).to_have_attribute("open", "")
    assert_no_serious_axe_violations(page, axe_script)
