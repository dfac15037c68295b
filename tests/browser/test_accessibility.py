"""Accessibility of the public and the main signed-in pages, in a real browser.

axe-core (npm, tests/browser/package.json) finds no serious or critical
problems; the portal can be used with the keyboard alone; and it reads without
sideways scrolling on a 360 px phone and at 200% zoom.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import LABELLED_KVK, PARTNER_EMAIL, STAFF_EMAIL, VIEWER_EMAIL

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = ("serious", "critical")
PHONE_360 = {"viewport": {"width": 360, "height": 740}}
# A 1280 x 900 window zoomed to 200% lays the page out in 640 x 450 CSS pixels.
ZOOM_200 = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}

PUBLIC_PAGES = [
    "/",
    "/regions",
    "/directory",
    "/verify",
    f"/verify/{LABELLED_KVK}",
    "/login",
    "/register",
    "/register/sent",
    "/reset-password",
]
# (who signs in, page); {own} is the partner's organisation, {waiting} one with a submission in the queue.
SIGNED_IN_PAGES = [
    ("partner", "/dashboard"),
    ("partner", "/organisations/{own}"),
    ("partner", "/organisations/{own}/steps/partnerovereenkomst"),
    ("staff", "/dashboard"),
    ("staff", "/review/"),
    ("staff", "/review/submissions/{submission}"),
    ("staff", "/todo/staff-step"),
    ("staff", "/todo/expiring"),
    ("staff", "/organisations/"),
    ("staff", "/organisations/{waiting}"),
    ("staff", "/municipalities/dordrecht"),
    ("viewer", "/dashboard"),
]
EMAILS = {"partner": PARTNER_EMAIL, "staff": STAFF_EMAIL, "viewer": VIEWER_EMAIL}


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    # A municipality viewer's dashboard is the municipality's page.
    expect(page).to_have_url(re.compile(r"/(dashboard|municipalities/dordrecht)$"))


def open_page(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}, expected {status}"


# axe-core


def assert_no_serious_axe_violations(page, axe_script: Path) -> None:
    page.add_script_tag(path=axe_script)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>\n"
        + "\n".join(
            f"    {node['target']}: {' '.join(line.strip() for line in node['failureSummary'].splitlines())}"
            for node in v["nodes"]
        )
        for v in blocking
    )
    assert not blocking, f"axe-core on {page.url}:\n{report}"


def test_the_axe_script_is_blocked_by_the_pages_csp_without_bypass(new_page, axe_script, network):
    """Why the axe pages bypass the CSP: the portal allows no inline scripts, which is what add_script_tag makes."""
    page = new_page()
    page.goto("/")
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(path=axe_script)
        page.evaluate("() => axe.version")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_has_no_serious_axe_violations(new_page, axe_script, network, url):
    page = new_page(bypass_csp=True)
    open_page(page, url)
    assert_no_serious_axe_violations(page, axe_script)


def test_not_found_page_has_no_serious_axe_violations(new_page, axe_script, network):
    page = new_page(bypass_csp=True)
    open_page(page, "/bestaat-niet", status=404)
    assert_no_serious_axe_violations(page, axe_script)


def test_registration_errors_have_no_serious_axe_violations(new_page, axe_script, network):
    page = new_page(bypass_csp=True)
    open_page(page, "/register")
    page.get_by_role("button", name="Organisatie aanmelden").click()
    expect(page.get_by_role("alert").filter(has_text="Controleer het formulier")).to_be_visible()
    assert_no_serious_axe_violations(page, axe_script)


@pytest.mark.parametrize(("role", "url"), SIGNED_IN_PAGES, ids=[f"{role}:{url}" for role, url in SIGNED_IN_PAGES])
def test_signed_in_page_has_no_serious_axe_violations(new_page, axe_script, network, role, url):
    page = new_page(bypass_csp=True)
    sign_in(page, EMAILS[role])
    open_page(page, url.format(**network))
    assert_no_serious_axe_violations(page, axe_script)


# The keyboard

FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), "
    "textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {order: el.dataset.tabOrder ?? null,
          name: `${el.tagName.toLowerCase()} ${el.id || el.name || el.textContent.trim()}`.slice(0, 80),
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), boxShadow: style.boxShadow};
}"""


def focus_indicator_visible(focused: dict) -> bool:
    return (focused["outlineStyle"] not in ("none", "hidden") and focused["outlineWidth"] >= 2) or focused[
        "boxShadow"
    ] != "none"


def assert_tab_order_follows_the_page(page) -> None:
    """Tab from the top reaches every visible control once, in reading order, each with a visible focus ring.
    (The skip link counts although it is off-screen until focused; radio groups would need one stop per group;
    a closed disclosure's summary counts, what it holds does not.)"""
    expected = page.evaluate(f"""() => {{
      // What a closed <details> (the phone's menu) holds has boxes but is out of reach until it opens.
      const shut = el => el.closest('details:not([open])') !== null && el.closest('summary') === null;
      const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' && !shut(el);
      const all = [...document.querySelectorAll("{FOCUSABLE}")].filter(el => visible(el) || el.matches('.skip-link'));
      all.forEach((el, i) => el.dataset.tabOrder = i);
      return all.length;
    }}""")
    reached = []
    for _ in range(expected + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        assert focus_indicator_visible(focused), f"{page.url}: no visible focus indicator on {focused}"
        reached.append(focused)
    orders = [int(f["order"]) if f["order"] is not None else f["name"] for f in reached]
    assert orders == list(range(expected)), f"{page.url}: Tab reached {[f['name'] for f in reached]}"


def test_signing_in_with_the_keyboard_alone(new_page, network):
    page = new_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Naar de inhoud")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mailadres")).to_be_focused()
    page.keyboard.type(PARTNER_EMAIL)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_be_focused()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    # The form posts to /login#main (where the skip link left it) and the redirect keeps the fragment.
    expect(page).to_have_url(re.compile(r"/dashboard(#main)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bakkerij De Merwede B.V.")


@pytest.mark.parametrize("url", ["/login", "/register", "/directory"])
def test_every_control_is_reached_by_tab_in_order_with_a_visible_focus(new_page, network, url):
    page = new_page()
    page.goto(url)
    assert_tab_order_follows_the_page(page)


def test_the_focus_ring_shows_on_white_and_on_the_green_header(new_page, network):
    """The yellow ring alone is faint on white; a dark inner ring keeps it visible there (WCAG 2.4.7, 1.4.11)."""
    page = new_page()
    page.goto("/login")
    for locator in (
        page.get_by_label("E-mailadres"),
        page.get_by_role("link", name="Wachtwoord vergeten?"),
        page.get_by_role("button", name="Inloggen"),
        page.get_by_role("link", name="Partners", exact=True),
    ):
        locator.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        expect(locator).to_be_focused()
        focused = page.evaluate(FOCUSED)
        assert focused["outlineStyle"] == "solid" and focused["outlineWidth"] >= 3, focused
        assert focused["boxShadow"] != "none", focused


# Small screens and zoom

# The page's width against the window's; when it is wider, the innermost elements that stick out.
OVERFLOWING = """() => {
  const limit = window.innerWidth + 1;
  if (document.documentElement.scrollWidth <= limit) return null;
  const sticksOut = el => el.getBoundingClientRect().right > limit;
  const culprits = [...document.body.querySelectorAll('*')]
    .filter(el => sticksOut(el) && !el.closest('.table-wrap') && ![...el.children].some(sticksOut))
    .slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}: ${el.textContent.trim().slice(0, 40)}`);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits};
}"""


def sideways_scrolling(page) -> str | None:
    """Why ``page`` scrolls sideways, or None. Tables scroll inside their .table-wrap by design, not the page."""
    overflow = page.evaluate(OVERFLOWING)
    return f"{page.url}: {overflow}" if overflow else None


SCREENS = pytest.mark.parametrize("screen", [PHONE_360, ZOOM_200], ids=["360px", "zoom200"])


@SCREENS
def test_public_pages_fit_a_small_screen_and_200_percent_zoom(new_page, network, screen):
    page = new_page(**screen)
    problems = []
    for url, status in [(url, 200) for url in PUBLIC_PAGES] + [("/bestaat-niet", 404)]:
        open_page(page, url, status)
        problems.append(sideways_scrolling(page))
    assert not any(problems), "pages scroll sideways:\n" + "\n".join(filter(None, problems))


@SCREENS
def test_signed_in_pages_fit_a_small_screen_and_200_percent_zoom(new_page, network, screen):
    pages = {role: new_page(**screen) for role in EMAILS}
    for role, page in pages.items():
        sign_in(page, EMAILS[role])
    problems = []
    for role, url in SIGNED_IN_PAGES:
        open_page(pages[role], url.format(**network))
        problems.append(sideways_scrolling(pages[role]))
    assert not any(problems), "pages scroll sideways:\n" + "\n".join(filter(None, problems))
