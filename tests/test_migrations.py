"""The migrations build the schema the models describe, with the network's seed data."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from impactnet import create_app
from impactnet.extensions import db


def test_upgrade_from_empty_seeds_the_network_and_matches_the_models(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k" * 40,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
        }
    )
    with app.app_context():
        upgrade()
        rows = db.session.execute(
            sa.text(
                "SELECT m.slug, m.joined_on, t.year, t.partners_wanted, t.labelled_wanted "
                "FROM municipalities m LEFT JOIN targets t ON t.municipality_id = m.id ORDER BY m.id, t.year"
            )
        ).all()
        assert [tuple(map(str, r)) for r in rows] == [
            ("dordrecht", "2021-11-01", "2024", "75", "50"),
            ("dordrecht", "2021-11-01", "2025", "155", "110"),
            ("zwijndrecht", "2025-01-01", "None", "None", "None"),
            ("sliedrecht", "2025-01-01", "None", "None", "None"),
        ]
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []

        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        db.engine.dispose()


def test_step_documents_migration_replaces_the_old_agreement_text_unless_staff_changed_it(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k" * 40,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
        }
    )
    explanation = sa.text("SELECT explanation, explanation_en FROM journey_steps WHERE key = :key")

    def texts(key="partnerovereenkomst"):
        return tuple(db.session.execute(explanation, {"key": key}).one())

    with app.app_context():
        upgrade(revision="0013_partner_day")
        assert "U ontvangt de overeenkomst van St MBO" in texts()[0]
        assert "You receive the agreement from St MBO" in texts()[1]
        db.session.execute(
            sa.text(
                "UPDATE journey_steps SET explanation = 'Eigen tekst van St MBO.' WHERE key = 'partnerovereenkomst'"
            )
        )
        db.session.commit()
        upgrade()
        assert "step_documents" in sa.inspect(db.engine).get_table_names()
        assert texts()[0] == "Eigen tekst van St MBO."  # staff's own text stays
        assert texts()[1].endswith("Below you can read how you get the agreement and what to do with it.")

        downgrade(revision="0013_partner_day")
        assert "step_documents" not in sa.inspect(db.engine).get_table_names()
        assert texts() == (
            "Eigen tekst van St MBO.",
            "With the partner agreement your organisation becomes a "
            "partner of Ondernemen met impact. You receive the agreement from St MBO; upload the "
            "signed copy here.",
        )
        db.session.execute(
            sa.text("UPDATE journey_steps SET explanation = :old WHERE key = 'partnerovereenkomst'"),
            {
                "old": "Met de partnerovereenkomst wordt uw organisatie partner van Ondernemen met "
                "impact. U ontvangt de overeenkomst van St MBO; upload hier de getekende versie."
            },
        )
        db.session.commit()
        upgrade()
        assert texts()[0] == (
            "Met de partnerovereenkomst wordt uw organisatie partner van Ondernemen met impact. "
            "Hieronder leest u hoe u de overeenkomst krijgt en wat u ermee doet."
        )
        db.session.remove()
        db.engine.dispose()
