"""System credentials over REST: ``/api/v1/api-keys`` and ``/api/v1/certificates`` (SEC-01, SEC-02).

Any person of an operator reads its credentials (never a secret); its administrator or
the Provider's staff create, change and revoke them. A system credential never manages
credentials (SEC-011).
"""

from __future__ import annotations

import base64
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from guichet.accounts import ca
from guichet.accounts import credential_selectors as selectors
from guichet.accounts.choices import CredentialAccess
from guichet.accounts.errors.credentials import CREDENTIAL_PERSON_ONLY
from guichet.accounts.models import ApiKey, ClientCertificate
from guichet.accounts.services import credentials as services
from guichet.core.api.serializers import TmfFieldsMixin
from guichet.core.api.views import ScopedModelViewSet
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal
from guichet.operators.models import Operator
from guichet.operators.selectors import operator_for

COMMON = ("operator", "label", "access", "scopes", "allowed_networks", "expires_at",
          "revoked_at", "last_used_at", "created_by", "state", "created_at")  # fmt: skip
READ_ONLY = ("expires_at", "revoked_at", "last_used_at", "created_by", "created_at")


class PersonOnly(BasePermission):
    """Credentials are managed by people, never through a system credential."""

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = resolve_principal(request)
        if principal is not None and principal.credential:
            raise GuichetError(CREDENTIAL_PERSON_ONLY)
        return True


class _CredentialSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    operator = serializers.PrimaryKeyRelatedField(
        queryset=Operator.objects.all(),
        required=False,
        help_text="Opérateur titulaire ; par défaut celui de l'appelant (obligatoire pour le Fournisseur).",
    )
    access = serializers.ChoiceField(choices=CredentialAccess.choices, required=False)
    scopes = serializers.ListField(
        child=serializers.CharField(), help_text="Codes des e-services autorisés (au moins un)."
    )
    allowed_networks = serializers.ListField(
        child=serializers.CharField(),
        help_text="Adresses IP ou réseaux CIDR d'où l'accès peut être utilisé (au moins un).",
    )
    state = serializers.SerializerMethodField()

    def get_state(self, obj: ApiKey | ClientCertificate) -> str:
        """``active``, ``expired`` or ``revoked``."""
        return selectors.state_of(obj)


class ApiKeySerializer(_CredentialSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:apikey-detail")
    expires_at = serializers.DateTimeField(
        required=False, help_text="Par défaut dans un an ; au plus dans deux ans."
    )

    class Meta:
        model = ApiKey
        fields = ("id", "href", "prefix", *COMMON)
        read_only_fields = ("id", "href", "prefix", *READ_ONLY[1:])


class NewApiKeySerializer(ApiKeySerializer):
    key = serializers.CharField(
        read_only=True,
        help_text="La clé complète `gk_xxxxxxxx.secret`, affichée cette fois seulement.",
    )

    class Meta(ApiKeySerializer.Meta):
        fields = (*ApiKeySerializer.Meta.fields, "key")


class CertificateSerializer(_CredentialSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:certificate-detail")
    certificate_pem = serializers.CharField(source="pem", read_only=True)
    csr = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Demande de certificat (PEM). Absente : la plateforme génère la bi-clé.",
    )
    validity_days = serializers.IntegerField(
        write_only=True, required=False, min_value=1, max_value=services.MAX_VALIDITY_DAYS
    )

    class Meta:
        model = ClientCertificate
        fields = ("id", "href", *COMMON, "serial", "subject", "fingerprint", "not_before",
                  "revocation_reason", "certificate_pem", "csr", "validity_days")  # fmt: skip
        read_only_fields = ("id", "href", *READ_ONLY, "serial", "subject", "fingerprint",
                            "not_before", "revocation_reason")  # fmt: skip


class NewCertificateSerializer(CertificateSerializer):
    private_key_pem = serializers.CharField(
        read_only=True, help_text="Clé privée générée (PEM), transmise cette fois seulement."
    )
    pkcs12 = serializers.CharField(
        read_only=True, help_text="Clé + certificat + AC, PKCS#12 en base64."
    )
    pkcs12_password = serializers.CharField(read_only=True)

    class Meta(CertificateSerializer.Meta):
        fields = (
            *CertificateSerializer.Meta.fields,
            "private_key_pem",
            "pkcs12",
            "pkcs12_password",
        )


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RevokeCertificateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=ca.RevocationReason.choices, required=False, default=ca.RevocationReason.UNSPECIFIED
    )


class _CredentialViewSet(ScopedModelViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ("created_at", "expires_at", "last_used_at", "label")
    filterset_fields = ("operator", "access")
    search_fields = ("label",)
    revoke_serializer: type[serializers.Serializer] = RevokeSerializer

    def get_permissions(self) -> list[BasePermission]:
        return [*super().get_permissions(), PersonOnly()]

    def _operator(self, data: dict[str, Any]) -> Operator:
        operator = data.pop("operator", None)
        if operator is None and self.principal.operator_id is not None:
            operator = operator_for(self.principal, self.principal.operator_id)
        if operator is None:
            raise serializers.ValidationError({"operator": "Ce champ est obligatoire."})
        return operator

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        serializer.instance = services.update_credential(
            actor=self.principal, credential=serializer.instance, **serializer.validated_data
        )

    def revoke(self, request: Request, pk: str | None = None) -> Response:
        credential = self.get_object()
        body = self.revoke_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        revoked = services.revoke_credential(
            actor=self.principal,
            credential=credential,
            reason=body.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(revoked).data)


@extend_schema_view(
    list=extend_schema(summary="Clés d'API des opérateurs visibles par l'appelant"),
    retrieve=extend_schema(summary="Une clé d'API (jamais son secret)"),
    create=extend_schema(
        summary="Créer une clé d'API (la clé complète n'est renvoyée qu'une fois)",
        responses={201: NewApiKeySerializer},
    ),
    partial_update=extend_schema(summary="Modifier libellé, accès, e-services ou adresses"),
)
class ApiKeyViewSet(_CredentialViewSet):
    """Clés d'API du Mode Intégré : `Authorization: Bearer gk_xxxxxxxx.secret` et `X-On-Behalf-Of`."""

    serializer_class = ApiKeySerializer
    selector = staticmethod(selectors.api_keys_for)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new = services.create_api_key(actor=self.principal, operator=self._operator(data), **data)
        body = ApiKeySerializer(new.key, context=self.get_serializer_context()).data
        response = Response({**body, "key": new.token}, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(summary="Révoquer une clé d'API", request=RevokeSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        return super().revoke(request, pk)


@extend_schema_view(
    list=extend_schema(summary="Certificats clients des opérateurs visibles par l'appelant"),
    retrieve=extend_schema(summary="Un certificat client"),
    create=extend_schema(
        summary="Émettre un certificat client : depuis une CSR, ou bi-clé générée (clé privée renvoyée une fois)",
        responses={201: NewCertificateSerializer},
    ),
    partial_update=extend_schema(summary="Modifier libellé, accès, e-services ou adresses"),
)
class CertificateViewSet(_CredentialViewSet):
    """Certificats clients émis par l'AC de la plateforme (`/pki/ca.pem`, CRL `/pki/crl.pem`)."""

    serializer_class = CertificateSerializer
    selector = staticmethod(selectors.certificates_for)
    revoke_serializer = RevokeCertificateSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        operator = self._operator(data)
        new = services.issue_certificate(
            actor=self.principal,
            operator=operator,
            csr_pem=data.pop("csr", ""),
            **data,
        )
        body = dict(
            CertificateSerializer(new.certificate, context=self.get_serializer_context()).data
        )
        if new.private_key_pem:
            body["private_key_pem"] = new.private_key_pem
            body["pkcs12"] = base64.b64encode(new.pkcs12).decode("ascii")
            body["pkcs12_password"] = new.pkcs12_password
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary="Révoquer un certificat client (il entre dans la CRL)",
        request=RevokeCertificateSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        return super().revoke(request, pk)
