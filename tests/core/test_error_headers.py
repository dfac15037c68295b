"""The error pages keep the headers the error carries (RFC 9110: a 405 names the allowed methods)."""

from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import TooManyRequests, Unauthorized


def _methods(response) -> set[str]:
    return {method.strip() for method in response.headers["Allow"].split(",")}


def test_405_on_a_page_has_the_allow_header_and_the_dutch_page(client):
    response = client.put("/login")
    assert response.status_code == 405
    assert _methods(response) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert response.mimetype == "text/html" and "Deze actie is hier niet toegestaan." in response.get_data(as_text=True)


def test_405_in_the_api_has_the_allow_header_and_json(client):
    for path in ("/api/v1/regions", "/api/v1/verify/12345678", "/api/v1/regions/dordrecht/series", "/healthz"):
        response = client.delete(path)
        assert response.status_code == 405, path
        assert _methods(response) == {"GET", "HEAD", "OPTIONS"}, path
        assert response.is_json and response.get_json()["status"] == 405


def test_other_headers_of_an_error_are_kept_but_not_its_own_content_type(make_app):
    app = make_app()  # a fresh app, which may still get routes

    @app.get("/__error-headers-401")
    def _unauthorised():
        raise Unauthorized(www_authenticate=WWWAuthenticate("bearer", {"realm": "impactnet"}))

    @app.get("/__error-headers-429")
    def _throttled():
        raise TooManyRequests(retry_after=30)

    client = app.test_client()
    response = client.get("/__error-headers-401")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer realm=impactnet"
    assert response.mimetype == "text/html" and len(response.headers.getlist("Content-Type")) == 1
    assert client.get("/__error-headers-429").headers["Retry-After"] == "30"
