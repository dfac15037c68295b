"""The migrations build the schema the models describe, with the network's seed data."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from impactnet import create_app
from impactnet.extensions import db


def test_upgrade_from_empty_seeds_the_network_and_matches_the_models(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}"})
    with app.app_context():
        upgrade()
        rows = db.session.execute(sa.text(
            "SELECT m.slug, m.joined_on, t.year, t.partners_wanted, t.labelled_wanted "
            "FROM municipalities m LEFT JOIN targets t ON t.municipality_id = m.id ORDER BY m.id, t.year")).all()
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
