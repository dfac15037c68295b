"""The key spaces' generations: renewed by a commit that wrote what they keep, in every process that
shares the cache; not by a sign-in, a sent mail or a token use."""

from __future__ import annotations

import sqlalchemy as sa

from impactnet.core import kept
from impactnet.core.kept import KEPT
from impactnet.extensions import db
from impactnet.regions.models import Municipality
from impactnet.stats.cache import FIGURES
from tests import factories


def test_a_commit_that_wrote_renews_the_generation_and_a_read_does_not(app, dordrecht):
    before = KEPT.generation()
    assert before is not None
    db.session.scalars(sa.select(Municipality)).all()
    db.session.commit()
    assert KEPT.generation() == before

    dordrecht.name = "Gemeente Dordrecht"
    db.session.commit()
    assert KEPT.generation() not in (None, before)


def test_bulk_statements_renew_the_generation(app, dordrecht):
    for statement in (
        sa.update(Municipality).values(active=False),
        sa.insert(Municipality).values(name="Papendrecht", slug="papendrecht", joined_on=dordrecht.joined_on),
        sa.delete(Municipality).where(Municipality.slug == "papendrecht"),
    ):
        before = KEPT.generation(), FIGURES.generation()
        db.session.execute(statement)
        db.session.commit()
        after = KEPT.generation(), FIGURES.generation()
        assert after[0] != before[0] and after[1] != before[1], statement


def test_only_the_key_spaces_whose_tables_were_written_are_renewed(app, dordrecht):
    figures, kept_before = FIGURES.generation(), KEPT.generation()
    factories.OrganisationFactory(municipality=dordrecht)  # the figures pages read snapshots, not organisations
    db.session.commit()
    assert FIGURES.generation() == figures and KEPT.generation() != kept_before


def test_a_write_that_is_rolled_back_keeps_the_generation(app, dordrecht):
    before = KEPT.generation()
    db.session.add(factories.OrganisationFactory.build(municipality=dordrecht))
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert KEPT.generation() == before


def test_a_kept_value_is_computed_again_after_a_write_in_another_process(app, other_process, dordrecht):
    computed = []

    def compute():
        computed.append(1)
        return db.session.scalar(sa.select(Municipality.name).where(Municipality.slug == "dordrecht"))

    assert kept.cached(compute, "name") == "Dordrecht"
    assert kept.cached(compute, "name") == "Dordrecht"
    assert len(computed) == 1

    with other_process.app_context():
        db.session.execute(sa.update(Municipality).where(Municipality.slug == "dordrecht").values(name="Dordt"))
        db.session.commit()

    db.session.expire_all()
    assert kept.cached(compute, "name") == "Dordt"
    assert len(computed) == 2


def test_nothing_is_kept_when_the_shared_cache_is_away(make_app, dordrecht):
    # A real Redis client against a port nothing listens on: every read fails.
    away = make_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL="redis://127.0.0.1:9/0")
    computed = []
    with away.app_context():
        assert KEPT.generation() is None
        for _ in range(2):
            assert kept.cached(lambda: computed.append(1) or "fresh", "key") == "fresh"
        dordrecht_again = db.session.scalar(sa.select(Municipality).where(Municipality.slug == "dordrecht"))
        dordrecht_again.name = "Dordt"
        db.session.commit()  # renewing fails, is logged, and the commit stands
    assert len(computed) == 2
    db.session.expire_all()
    assert dordrecht.name == "Dordt"


def test_a_sign_in_a_sent_mail_and_a_token_use_renew_no_generation(app, client, dordrecht, mailbox):
    from email.message import EmailMessage

    from impactnet.mail.outbox import enqueue
    from tests.api.helpers import bearer
    from tests.factories import PASSWORD

    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    staff = factories.UserFactory(role=factories.Role.STAFF)
    header = bearer(viewer)
    message = EmailMessage()
    message["To"], message["Subject"] = "partner@example.nl", "Welkom"
    message.set_content("Tot snel.")
    enqueue(message, dedupe_key="key-spaces:1", kind="test")
    db.session.commit()
    before = KEPT.generation(), FIGURES.generation()

    assert client.post("/login", data={"email": staff.email, "password": PASSWORD}).status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert len(mailbox) == 1  # the worker's delivery: the mail marked sent
    assert app.test_client().get("/api/v1/regions/dordrecht/series", headers=header).status_code == 200
    db.session.expire_all()
    assert (KEPT.generation(), FIGURES.generation()) == before

    assert client.post("/logout").status_code == 302  # a sign-out ends what the copies hold
    assert KEPT.generation() != before[0] and FIGURES.generation() == before[1]


def test_the_snapshot_job_renews_the_figures_but_not_what_is_kept(app, dordrecht):
    from impactnet.database import local_today
    from impactnet.stats.services import take_snapshots

    before = KEPT.generation(), FIGURES.generation()
    take_snapshots(local_today())
    db.session.commit()
    assert KEPT.generation() == before[0] and FIGURES.generation() != before[1]
