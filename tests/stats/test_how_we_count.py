"""The public page "Zo tellen we" (/zo-tellen-we): what each figure counts, in both languages, and
the dashboards link to it."""

import re

import pytest

from impactnet.accounts.models import Role
from impactnet.stats.definitions import DEFINITIONS, PARTS


def test_the_page_defines_every_figure_in_dutch(client):
    response = client.get("/zo-tellen-we")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Zo tellen we</h1>" in page
    for name in ("partners", *PARTS, "applicants", "new_partners", "new_labels"):
        assert f'id="{name}"' in page, name
        assert str(DEFINITIONS[name][1]) in page.replace("&#39;", "'"), name
    assert "partners = met label + werken aan het label + label verlopen + label ingetrokken" in page


def test_the_page_in_english(client):
    page = client.get("/zo-tellen-we", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>How we count</h1>" in page and 'lang="en"' in page
    assert "partners = with label + working towards the label + label expired + label revoked" in page
    assert "Partners whose label St MBO revoked. They remain partners." in page
    assert "Organisaties" not in page


@pytest.mark.parametrize(
    ("url", "role"),
    [("/", None), ("/regions", None), ("/municipalities/dordrecht", Role.MUNICIPALITY), ("/dashboard", Role.STAFF)],
)
def test_the_figures_on_the_dashboards_link_to_their_definitions(client, login_as, dordrecht, url, role):
    if role is not None:
        login_as(role)
    page = client.get(url).get_data(as_text=True)
    for name in ("partners", *PARTS):
        assert f'href="/zo-tellen-we#{name}"' in page, (url, name)
    # The short definitions beside them, in a native disclosure (keyboard and screen reader).
    assert re.search(r"<details class=\"figure-help\">\s*<summary>Wat tellen deze cijfers\?</summary>", page), url
