"""The small-cell rule, from its one threshold (stats.dashboard.SMALLEST_SHOWN): counts below it show
as "< 5", and a funnel step's median of so few organisations is neither shown nor delivered."""

from __future__ import annotations

from impactnet.accounts.models import Role
from impactnet.stats.dashboard import SMALLEST_SHOWN, FunnelStep, suppressed


def test_a_median_is_shown_only_for_enough_organisations():
    assert FunnelStep(1, "Partnerovereenkomst", SMALLEST_SHOWN - 1, 12.0).shown_median_days is None
    assert FunnelStep(1, "Partnerovereenkomst", SMALLEST_SHOWN, 12.0).shown_median_days == 12.0
    assert FunnelStep(1, "Partnerovereenkomst", SMALLEST_SHOWN, None).shown_median_days is None
    assert suppressed(SMALLEST_SHOWN - 1) == f"< {SMALLEST_SHOWN}" and suppressed(SMALLEST_SHOWN) == str(SMALLEST_SHOWN)


def test_the_dashboard_states_the_rule_in_both_languages(client, login_as, dordrecht):
    login_as(Role.STAFF)
    dutch = client.get("/municipalities/dordrecht").get_data(as_text=True)
    assert f"Aantallen onder de {SMALLEST_SHOWN} staan als “&lt; {SMALLEST_SHOWN}”" in dutch
    english = client.get("/municipalities/dordrecht", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"Numbers below {SMALLEST_SHOWN} are shown as “&lt; {SMALLEST_SHOWN}”" in english
