"""TMF673 Geographic Address Management v4: address search, validation and TAO sub-addresses.

Every answer states the extraction date of the network data (GEN-03): ``dataAsOf`` in each
resource and the ``X-Data-As-Of`` header. TAO answers also carry ``X-Answer-Id``, the
reference of the call in the journal and on the usage record.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guichet.addresses import selectors, translation
from guichet.addresses.api import mapping
from guichet.addresses.api import serializers as s
from guichet.addresses.errors import ADDRESS_NOT_FOUND, SUB_ADDRESS_NOT_FOUND
from guichet.addresses.selectors import FOUND
from guichet.core import errors
from guichet.core.api.pagination import TmfPagination
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal

HEADER = OpenApiParameter.HEADER
PAGING = [
    OpenApiParameter("fields", str, description="Attributs à rendre (TMF630), ex. id,streetName"),
    OpenApiParameter("offset", int, description="Index du premier élément (TMF630)"),
    OpenApiParameter("limit", int, description="Nombre d'éléments (défaut 50, au plus 100)"),
    OpenApiParameter("X-Total-Count", int, HEADER, response=[200, 206]),
    OpenApiParameter("X-Result-Count", int, HEADER, response=[200, 206]),
]
AS_OF = OpenApiParameter(
    "X-Data-As-Of",
    OpenApiTypes.DATETIME,
    HEADER,
    response=[200, 201, 206],
    description=s.DATA_AS_OF_HELP,
)
ANSWER_ID = OpenApiParameter(
    "X-Answer-Id", str, HEADER, response=[200, 206], description="Référence de l'appel TAO"
)
FIELDS = OpenApiParameter("fields", str, description="Attributs à rendre (TMF630)")
ADDRESS_ID = OpenApiParameter(
    "id",
    str,
    OpenApiParameter.PATH,
    description="Identifiant de l'adresse : son hexaclé (10 caractères), sinon son identifiant "
    "BAN (cle_interop), sinon « adr-<n> » (identifiant interne, stable).",
)
SUB_ID = OpenApiParameter(
    "subId",
    str,
    OpenApiParameter.PATH,
    description="Identifiant du local (id d'un geographicSubAddress) ou sa référence PTO.",
)
SEARCH = [
    OpenApiParameter("q", str, description="Adresse en texte libre"),
    *(OpenApiParameter(name, str) for name in mapping.TEXT_FIELDS),
    OpenApiParameter("hexacle", str, description="Hexaclé de l'adresse"),
    OpenApiParameter("hexacleStreet", str, description="Hexaclé voie (avec streetNr)"),
    OpenApiParameter("banId", str, description="Identifiant BAN (cle_interop)"),
    OpenApiParameter("buildingId", str, description="IdentifiantImmeuble (IPE)"),
    OpenApiParameter("codeInsee", str, description="Code INSEE (avec codeRivoli et streetNr)"),
    OpenApiParameter("codeRivoli", str, description="Code RIVOLI (avec codeInsee et streetNr)"),
    OpenApiParameter("ptoReference", str, description="Référence PTO (OO-XXXX-XXXX)"),
    OpenApiParameter("nd", str, description="ND d'une de vos lignes"),
    OpenApiParameter("latitude", float, description="WGS84, avec longitude"),
    OpenApiParameter("longitude", float, description="WGS84, avec latitude"),
    OpenApiParameter("radius", float, description="Rayon en mètres (défaut 50, au plus 1000)"),
]
SUB_FILTER_NAMES = (
    "buildingId",
    "staircase",
    "levelNumber",
    "ptoReference",
    "ptoState",
    "occupancy",
)
SUB_FILTERS = [
    OpenApiParameter(name, str, description=f"Filtre exact sur {name} (TMF630)")
    for name in SUB_FILTER_NAMES
]
ERRORS = {
    code: OpenApiResponse(s.ErrorSerializer, description=text)
    for code, text in (
        (400, "Requête invalide (ADR-001, ADR-002)"),
        (401, "Non authentifié"),
        (403, "Non abonné (ADR-010), sans contrat Accès FTTH (ADR-011) ou sans le droit tao:read"),
    )
}
NOT_FOUND = {404: OpenApiResponse(s.ErrorSerializer, description="Adresse ou local inconnu")}


class TaoCaller(BasePermission):
    """An authenticated, unsuspended principal; TAO reads and validations change nothing, so a
    read-only person may POST a validation. What the caller may use is the service's check."""

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = resolve_principal(request)
        if principal is None:
            return False
        if principal.suspended:
            raise GuichetError(errors.ACCESS_SUSPENDED)
        return True


class Tmf673View(APIView):
    permission_classes = [TaoCaller]

    @property
    def principal(self) -> Any:
        return resolve_principal(self.request)

    def respond(
        self, data: Any, as_of: str | None, *, answer_id: str = "", code: int = 200
    ) -> Response:
        response = Response(data, status=code)
        return self.stamp(response, as_of, answer_id)

    def stamp(self, response: Response, as_of: str | None, answer_id: str = "") -> Response:
        if as_of:
            response["X-Data-As-Of"] = as_of
        if answer_id:
            response["X-Answer-Id"] = answer_id
        return response

    def page(self, items: list[dict[str, Any]], serializer: type, as_of: str | None, **kw: Any):
        paginator = TmfPagination()
        page = paginator.paginate_queryset(items, self.request, view=self)
        data = serializer(page, many=True, context={"request": self.request}).data
        return self.stamp(paginator.get_paginated_response(data), as_of, kw.get("answer_id", ""))

    def tao(self, key: str) -> dict[str, Any]:
        """The found TAO answer of the address ``key``, or ADR-012."""
        query, pk = translation.query_for_key(key)
        answer = translation.as_answer(
            translation.translate(actor=self.principal, query=query, address_pk=pk)
        )
        if answer["status"] != FOUND:
            raise GuichetError(ADDRESS_NOT_FOUND, detail=key)
        return answer


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class GeographicAddressListView(Tmf673View):
    @extend_schema(
        operation_id="listGeographicAddress",
        summary="Rechercher des adresses (clé structurée ou texte libre)",
        description="Une seule façon de nommer l'adresse est retenue, dans cet ordre : "
        "ptoReference, nd, buildingId, hexacle, banId, hexacleStreet + streetNr, codeInsee + "
        "codeRivoli + streetNr, latitude + longitude, texte (q et champs TMF673). Une recherche "
        "ambiguë rend toutes les adresses candidates avec leur score.",
        parameters=[*SEARCH, *PAGING, AS_OF],
        responses={
            200: s.GeographicAddressSerializer(many=True),
            206: s.GeographicAddressSerializer(many=True),
            **ERRORS,
        },
        tags=["geographicAddress"],
    )
    def get(self, request: Request) -> Response:
        lookup = translation.find_addresses(
            actor=self.principal, query=mapping.place_query(request.query_params)
        )
        as_of = _iso(lookup.data_as_of)
        items = [
            mapping.geographic_address(c["address"], as_of, c)
            for c in map(translation.candidate_dict, lookup.resolution.candidates)
        ]
        return self.page(items, s.GeographicAddressSerializer, as_of)


class GeographicAddressDetailView(Tmf673View):
    @extend_schema(
        operation_id="retrieveGeographicAddress",
        summary="Une adresse par son identifiant (hexaclé, identifiant BAN ou adr-<n>)",
        parameters=[ADDRESS_ID, FIELDS, AS_OF],
        responses={200: s.GeographicAddressSerializer, **ERRORS, **NOT_FOUND},
        tags=["geographicAddress"],
    )
    def get(self, request: Request, id: str) -> Response:
        query, pk = translation.query_for_key(id)
        lookup = translation.find_addresses(actor=self.principal, query=query, address_pk=pk)
        if lookup.resolution.status != FOUND:
            raise GuichetError(ADDRESS_NOT_FOUND, detail=id)
        as_of = _iso(lookup.data_as_of)
        address = translation.address_dict(lookup.resolution.candidates[0].address)
        body = mapping.geographic_address(address, as_of)
        data = s.GeographicAddressSerializer(body, context={"request": request}).data
        return self.respond(data, as_of)


class GeographicSubAddressListView(Tmf673View):
    @extend_schema(
        operation_id="listGeographicSubAddress",
        summary="TAO : la structure de l'adresse, un geographicSubAddress par local",
        description="Bâtiments, escaliers, étages et portes, avec la PTO de chaque local, son état "
        "et s'il est occupé par une ligne (« inUseByYou » et sa référence seulement pour les "
        "vôtres). Un appel compté pour la facturation à l'usage et journalisé.",
        parameters=[ADDRESS_ID, *SUB_FILTERS, *PAGING, AS_OF, ANSWER_ID],
        responses={
            200: s.TaoSubAddressSerializer(many=True),
            206: s.TaoSubAddressSerializer(many=True),
            **ERRORS,
            **NOT_FOUND,
        },
        tags=["geographicSubAddress"],
    )
    def get(self, request: Request, id: str) -> Response:
        answer = self.tao(id)
        wanted = {
            name: request.query_params[name]
            for name in SUB_FILTER_NAMES
            if request.query_params.get(name) is not None
        }
        items = [
            item
            for item in mapping.sub_addresses(answer)
            if all(str(item.get(k, "")) == v for k, v in wanted.items())
        ]
        return self.page(
            items,
            s.TaoSubAddressSerializer,
            answer["data_as_of"],
            answer_id=answer["answer_id"],
        )


class GeographicSubAddressDetailView(Tmf673View):
    @extend_schema(
        operation_id="retrieveGeographicSubAddress",
        summary="TAO : un local de l'adresse (par son identifiant ou sa référence PTO)",
        parameters=[ADDRESS_ID, SUB_ID, FIELDS, AS_OF, ANSWER_ID],
        responses={200: s.TaoSubAddressSerializer, **ERRORS, **NOT_FOUND},
        tags=["geographicSubAddress"],
    )
    def get(self, request: Request, id: str, subId: str) -> Response:
        answer = self.tao(id)
        wanted = subId.strip().upper()
        item = next(
            (
                sub
                for sub in mapping.sub_addresses(answer)
                if sub["id"] == wanted or sub.get("ptoReference") == wanted
            ),
            None,
        )
        if item is None:
            raise GuichetError(SUB_ADDRESS_NOT_FOUND, detail=subId)
        data = s.TaoSubAddressSerializer(item, context={"request": request}).data
        return self.respond(data, answer["data_as_of"], answer_id=answer["answer_id"])


VALIDATION_ID = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="Identifiant de la validation (UUID)"
)
VALIDATION_FILTER = OpenApiParameter(
    "validationResult", str, enum=["success", "partial", "fail"], description="Filtre (TMF630)"
)


class GeographicAddressValidationView(Tmf673View):
    @extend_schema(
        operation_id="listGeographicAddressValidation",
        summary="Vos validations d'adresse, les plus récentes d'abord",
        parameters=[VALIDATION_FILTER, *PAGING],
        responses={
            200: s.ValidationSerializer(many=True),
            206: s.ValidationSerializer(many=True),
            **ERRORS,
        },
        tags=["geographicAddressValidation"],
    )
    def get(self, request: Request) -> Response:
        translation.check_access(self.principal)
        stored = selectors.validations_for(self.principal)
        wanted = request.query_params.get("validationResult")
        if wanted:
            stored = stored.filter(result=wanted)
        paginator = TmfPagination()
        page = paginator.paginate_queryset(stored, request, view=self)
        bodies = [mapping.validation(v) for v in page or []]
        data = s.ValidationSerializer(bodies, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="createGeographicAddressValidation",
        summary="Valider une adresse : success (une), partial (plusieurs possibles), fail (aucune)",
        description="Traité immédiatement (state « done ») ; les adresses possibles sont rendues "
        "dans alternateGeographicAddress quand provideAlternative est vrai. La validation est "
        "conservée : relisez-la par son id (Location) ou dans la liste.",
        request=s.ValidationRequestSerializer,
        responses={
            201: s.ValidationSerializer,
            **ERRORS,
            422: OpenApiResponse(s.ErrorSerializer, description="Corps invalide (GEN-422)"),
        },
        parameters=[AS_OF],
        tags=["geographicAddressValidation"],
    )
    def post(self, request: Request) -> Response:
        body = s.ValidationRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        submitted = body.validated_data["submittedGeographicAddress"]
        if submitted.get("id"):
            query, pk = translation.query_for_key(submitted["id"])
        else:
            query, pk = mapping.place_query(submitted), None
        stored = translation.validate_address(
            actor=self.principal,
            query=query,
            submitted=submitted,
            provide_alternative=body.validated_data["provideAlternative"],
            address_pk=pk,
        )
        resource = mapping.validation(stored)
        data = s.ValidationSerializer(resource).data
        response = self.respond(data, resource["dataAsOf"], code=status.HTTP_201_CREATED)
        response["Location"] = resource["href"]
        return response


class GeographicAddressValidationDetailView(Tmf673View):
    @extend_schema(
        operation_id="retrieveGeographicAddressValidation",
        summary="Une de vos validations d'adresse, telle qu'elle a été rendue",
        parameters=[VALIDATION_ID, FIELDS, AS_OF],
        responses={200: s.ValidationSerializer, **ERRORS, 404: NOT_FOUND[404]},
        tags=["geographicAddressValidation"],
    )
    def get(self, request: Request, id: str) -> Response:
        translation.check_access(self.principal)
        resource = mapping.validation(selectors.validation_for(self.principal, id))
        data = s.ValidationSerializer(resource, context={"request": request}).data
        return self.respond(data, resource["dataAsOf"])
