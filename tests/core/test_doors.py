"""Errors answer in each door's shape; request context (id, address, channel) is set once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings

from guichet.core.context import Channel
from guichet.core.errors import REGISTRY, GuichetError, define
from guichet.core.middleware import channel_for_path, client_ip

pytestmark = pytest.mark.django_db


def test_unknown_api_url_answers_tmf_error_in_json() -> None:
    response = Client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body == {
        "@type": "Error",
        "code": "GEN-404",
        "reason": "Not Found",
        "message": "La ressource demandée n'existe pas.",
        "status": "404",
        "referenceError": "/api/v1/errors/GEN-404",
    }


def test_api_error_message_follows_accept_language(admin_a: Any, api_as: Any) -> None:
    response = api_as(None).get("/api/v1/operators", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "Authentication is required."


def test_unknown_portal_url_shows_french_page_with_code() -> None:
    response = Client().get("/pas-de-page-ici/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "La ressource demandée n&#x27;existe pas." in html
    assert "GEN-404" in html
    assert '<html lang="fr">' in html


def test_malformed_json_is_a_400_not_a_500(provider_staff: Any, api_as: Any) -> None:
    response = api_as(provider_staff).generic(
        "POST", "/api/v1/operators", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "GEN-400"


def test_method_not_allowed_in_tmf_shape(provider_staff: Any, operator_a: Any, api_as: Any) -> None:
    response = api_as(provider_staff).delete(f"/api/v1/operators/{operator_a.pk}")
    assert response.status_code == 405
    assert response.json()["code"] == "GEN-405"


def test_error_catalogue_lists_every_code() -> None:
    response = Client().get("/api/v1/errors")
    assert response.status_code == 200
    codes = {entry["code"] for entry in response.json()}
    assert codes == set(REGISTRY)
    one = Client().get("/api/v1/errors/OPE-002").json()
    assert one["status"] == 409 and "existe déjà" in one["message_fr"]
    assert Client().get("/api/v1/errors/NOPE-1").json()["code"] == "GEN-404"


def test_error_codes_are_unique_and_bilingual() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        define("GEN-404", 404, "Not Found", "x", "y")
    for error in REGISTRY.values():
        assert error.fr and error.en and error.fr != error.en, error.code
        assert 400 <= error.status <= 599


def test_guichet_error_formats_its_parameters() -> None:
    error = GuichetError(REGISTRY["OPE-002"], field="siren", value="444555668")
    assert error.message("fr") == "Un opérateur existe déjà avec ce siren (444555668)."
    assert error.message("en") == "An operator already exists with this siren (444555668)."


def test_request_id_kept_when_sane_and_replaced_otherwise() -> None:
    kept = Client().get("/healthz", HTTP_X_REQUEST_ID="abc-12345-def")
    assert kept["X-Request-ID"] == "abc-12345-def"
    replaced = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert len(replaced["X-Request-ID"]) == 32 and replaced["X-Request-ID"] != "<script>"


@pytest.mark.parametrize(
    ("path", "channel"),
    [
        ("/api/v1/operators", Channel.REST),
        ("/tmf-api/x/v4/y", Channel.REST),
        ("/ws/eligibilite", Channel.SOAP),
        ("/admin/", Channel.ADMIN),
        ("/tableau-de-bord/", Channel.PORTAL),
    ],
)
def test_channel_of_each_door(path: str, channel: str) -> None:
    assert channel_for_path(path) == channel


def test_client_ip_trusts_only_the_configured_proxies() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        # The right-most entry is what our proxy saw; anything left of it is client-supplied.
        assert client_ip(request) == "203.0.113.9"


def test_guichet_error_in_a_portal_view_becomes_french_page(rf: RequestFactory) -> None:
    from guichet.core.middleware import GuichetErrorMiddleware

    request = rf.get("/tableau-de-bord/")
    middleware = GuichetErrorMiddleware(lambda r: None)  # type: ignore[arg-type, return-value]
    error = GuichetError(REGISTRY["OPE-001"])
    response = middleware.process_exception(request, error)
    assert response is not None and response.status_code == 403
    html = response.content.decode()
    assert "OPE-001" in html and "Seul le Fournisseur peut créer un opérateur" in html
    # API paths are left to the REST exception handler.
    assert middleware.process_exception(rf.get("/api/v1/operators"), error) is None
