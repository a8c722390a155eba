"""Columns the generator writes for each model, parents first (the order of every flush)."""

from __future__ import annotations

from django.db import models

from guichet.network.models import (
    Address,
    Building,
    Cable,
    Fibre,
    Line,
    Nro,
    OpticalRoute,
    Pbo,
    Pm,
    Premises,
    RouteFibre,
)

TABLE_COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Nro: ("id", "code", "reference", "name", "state", "insee", "longitude", "latitude"),
    Pm: (
        "id", "code", "reference", "nro_id", "state", "location_type", "installed_on",
        "first_provision_on", "capacity", "premises_count", "engineering", "zone_type", "insee",
        "address_text", "longitude", "latitude",
    ),
    Pbo: (
        "id", "code", "reference", "pm_id", "kind", "nature", "location", "capacity",
        "longitude", "latitude",
    ),
    Address: (
        "id", "hexacle", "hexacle_street", "ban_id", "insee", "rivoli", "number", "suffix",
        "street_type", "street_name", "locality", "postcode", "commune_name",
        "former_commune_insee", "former_commune_name", "x_l93", "y_l93", "longitude",
        "latitude", "zone_type",
    ),
    Building: (
        "id", "ipe_id", "address_id", "name", "building_type", "state", "pm_id",
        "premises_count", "cabling_on", "convention_signed_on", "manager_consent_needed",
        "manager", "source_modified_on",
    ),
    Premises: (
        "id", "code", "building_id", "staircase", "floor", "door", "kind", "pbo_id",
        "pto_reference", "pto_code", "pto_state", "connection_state",
    ),
    Cable: ("id", "code", "label", "capacity", "function", "fibres_per_tube"),
    Fibre: (
        "id", "code", "cable_id", "rank", "tube", "rank_in_tube", "color", "state", "dedicated",
        "pbo_id",
    ),
    OpticalRoute: (
        "id", "code", "premises_id", "pbo_id", "pm_id", "pbo_fibre_id", "pm_module",
        "pm_position", "connector_number", "connector_color",
    ),
    RouteFibre: ("id", "route_id", "fibre_id", "order"),
    Line: (
        "id", "reference", "operator_id", "operator_order_reference", "premises_id", "route_id",
        "state", "nd", "ordered_on", "activated_on",
    ),
}  # fmt: skip
MODELS = tuple(TABLE_COLUMNS)
