"""Bodies that are not file uploads are bounded before anything parses them: a 50 MB urlencoded
POST /login once took a worker from 150 MB to 2 GB, and the throttle's key function read it."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from impactnet.accounts import views as account_views
from impactnet.extensions import limiter
from impactnet.organisations.models import Organisation
from tests.helpers import count, registration_data

TOO_LARGE = "Het verstuurde bestand of formulier is te groot."


def test_an_oversized_urlencoded_field_is_refused_with_413(client, dordrecht):
    response = client.post("/register", data=registration_data(dordrecht, name="x" * 600_000))
    assert response.status_code == 413
    assert TOO_LARGE in response.get_data(as_text=True)
    assert count(Organisation) == 0


def test_too_many_urlencoded_fields_are_refused_with_413(client):
    body = "&".join(f"a{n}=1" for n in range(5_000))
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert TOO_LARGE in response.get_data(as_text=True)


def test_a_body_without_content_length_is_bounded_too(client):
    """Chunked transfer: no Content-Length to look at, so the reading itself stops at the limit."""
    response = client.post(
        "/login",
        input_stream=io.BytesIO(b"a=1&" * 300_000),
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413


def test_json_bodies_are_bounded(client):
    response = client.post("/login", data=b"[" + b"1," * 400_000 + b"1]", content_type="application/json")
    assert response.status_code == 413


def test_upload_forms_are_bounded_per_text_part_and_in_parts(client):
    for fields in ({f"f{n}": "1" for n in range(1_500)}, {"email": "x" * 600_000, "password": "y"}):
        # Encoded here: the test client would spool a large body to a temporary file it never closes.
        boundary, body = encode_multipart(MultiDict(fields))
        response = client.post("/login", data=body, content_type=f"multipart/form-data; boundary={boundary}")
        assert response.status_code == 413


@pytest.fixture
def throttled_app(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        limiter.reset()
    yield app
    with app.app_context():
        limiter.reset()


def test_the_limit_applies_before_the_throttle_reads_the_form(throttled_app, monkeypatch):
    def read_form():
        raise AssertionError("the throttle's key function read an oversized body")

    monkeypatch.setattr(account_views, "_form_email", read_form)
    body = "email=a%40example.nl&password=" + "p" * 600_000
    response = throttled_app.test_client().post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


def test_ordinary_forms_and_long_answers_still_go_through(client, dordrecht):
    data = registration_data(dordrecht, name="Ç" * 200)  # 200 accented characters: 1,200 bytes urlencoded
    assert client.post("/register", data=data).status_code == 302
    assert count(Organisation) == 1
