from impactnet import create_app


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_names_the_database_when_it_is_unreachable(tmp_path):
    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-folder/nope.db",
        }
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


def test_home_page_shows_region_totals_in_dutch(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Meld uw organisatie aan" in page
