"""REST shapes of contract documents, signatures, order forms and subscriptions (types only)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from guichet.core.api.serializers import TmfFieldsMixin
from guichet.operators.models import (
    ContractDocument,
    OrderForm,
    Signature,
    Subscription,
    TerminationNotice,
    WholesaleContract,
)


class ContractDocumentSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:contract-document-detail")
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    needs_signature = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContractDocument
        fields = (
            "id",
            "href",
            "kind",
            "service",
            "version",
            "title",
            "effective_on",
            "needs_signature",
            "termination_notice_months",
            "minimum_commitment_months",
            "change_notice_days",
            "handling_hours",
            "maintenance_windows",
            "substantial",
            "change_summary",
            "notified_at",
        )
        read_only_fields = fields


class PublishDocumentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    service = serializers.CharField(required=False, allow_blank=True)
    version = serializers.CharField()
    effective_on = serializers.DateField()
    title = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    change_summary = serializers.CharField(required=False, allow_blank=True)
    substantial = serializers.BooleanField(required=False, default=False)
    termination_notice_months = serializers.IntegerField(required=False, min_value=0)
    minimum_commitment_months = serializers.IntegerField(required=False, min_value=0)
    change_notice_days = serializers.IntegerField(required=False, min_value=0)
    handling_hours = serializers.CharField(required=False, allow_blank=True)
    maintenance_windows = serializers.CharField(required=False, allow_blank=True)


class SignatureSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:contract-signature-detail")
    operator = serializers.SlugRelatedField(slug_field="arcep_code", read_only=True)
    document_kind = serializers.CharField(source="document.kind", read_only=True)
    document_version = serializers.CharField(source="document.version", read_only=True)
    is_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = Signature
        fields = (
            "id",
            "href",
            "operator",
            "document",
            "document_kind",
            "document_version",
            "place",
            "signature_date",
            "pdf_sha256",
            "operator_signatory_name",
            "operator_signatory_capacity",
            "operator_signed_on",
            "provider_signatory_name",
            "provider_signatory_capacity",
            "provider_signed_on",
            "effective_on",
            "is_complete",
        )
        read_only_fields = fields


class SignSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    operator = serializers.IntegerField(
        required=False, help_text="Fournisseur uniquement : l'opérateur pour lequel il signe."
    )
    signatory_name = serializers.CharField(allow_blank=True)
    signatory_capacity = serializers.CharField(allow_blank=True)
    signed_on = serializers.DateField(required=False)
    place = serializers.CharField(required=False, allow_blank=True)


class DocumentInForceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    service = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()
    effective_on = serializers.SerializerMethodField()
    signature = serializers.SerializerMethodField()
    pending_version = serializers.SerializerMethodField()

    def get_service(self, row: Any) -> str | None:
        return row.service.code if row.service else None

    def get_document(self, row: Any) -> int | None:
        return row.document.pk if row.document else None

    def get_version(self, row: Any) -> str | None:
        return row.document.version if row.document else None

    def get_effective_on(self, row: Any) -> str | None:
        if row.signature:
            return row.signature.effective_on.isoformat()
        return row.document.effective_on.isoformat() if row.document else None

    def get_signature(self, row: Any) -> int | None:
        return row.signature.pk if row.signature else None

    def get_pending_version(self, row: Any) -> str | None:
        return row.pending.version if row.pending else None


class WholesaleContractSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:wholesale-contract-detail")
    operator = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = WholesaleContract
        fields = ("id", "href", "operator", "offer", "reference", "signed_on", "ended_on")
        read_only_fields = ("id", "href", "operator", "ended_on")


class NewWholesaleContractSerializer(serializers.Serializer):
    operator = serializers.IntegerField()
    offer = serializers.CharField()
    reference = serializers.CharField(required=False, allow_blank=True)
    signed_on = serializers.DateField()


class EndWholesaleContractSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False)


class DesignatedPersonSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    login = serializers.CharField(allow_blank=True)


class OrderFormSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:order-form-detail")
    number = serializers.CharField(read_only=True)
    operator = serializers.SlugRelatedField(slug_field="arcep_code", read_only=True)
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    specific_conditions_version = serializers.CharField(
        source="specific_conditions.version", read_only=True
    )
    designated_persons = DesignatedPersonSerializer(many=True, read_only=True)

    class Meta:
        model = OrderForm
        fields = (
            "id",
            "href",
            "number",
            "operator",
            "service",
            "specific_conditions_version",
            "status",
            "designated_persons",
            "comment",
            "signature_method",
            "signatory_name",
            "signatory_capacity",
            "signed_by_login",
            "signed_at",
            "pdf_sha256",
            "received_on",
            "validated_at",
            "refusal_reason",
            "activated_on",
            "subscription",
            "created_at",
        )
        read_only_fields = fields


class NewOrderFormSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="Code de l'e-service (ex. e-rdv).")
    designated_persons = DesignatedPersonSerializer(many=True, required=False)
    comment = serializers.CharField(required=False, allow_blank=True)


class SignOrderFormSerializer(serializers.Serializer):
    signatory_name = serializers.CharField(allow_blank=True)
    signatory_capacity = serializers.CharField(allow_blank=True)


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class ActivateSerializer(serializers.Serializer):
    activated_on = serializers.DateField(required=False)


class SubscriptionSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:subscription-detail")
    operator = serializers.SlugRelatedField(slug_field="arcep_code", read_only=True)
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commitment_ends_on = serializers.DateField(read_only=True)

    class Meta:
        model = Subscription
        fields = (
            "id",
            "href",
            "operator",
            "service",
            "order_received_on",
            "activated_on",
            "minimum_commitment_months",
            "commitment_ends_on",
            "ends_on",
            "termination_requested_on",
            "termination_kind",
        )
        read_only_fields = fields


class TerminateSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class TerminateContractSerializer(serializers.Serializer):
    operator = serializers.IntegerField(
        required=False,
        help_text="Fournisseur uniquement : l'opérateur dont le contrat est résilié.",
    )
    reason = serializers.CharField(required=False, allow_blank=True)


class TerminationNoticeSerializer(serializers.ModelSerializer):
    operator = serializers.SlugRelatedField(slug_field="arcep_code", read_only=True)

    class Meta:
        model = TerminationNotice
        fields = (
            "id",
            "operator",
            "subscription",
            "whole_contract",
            "kind",
            "requested_by",
            "requested_on",
            "effective_on",
            "reason",
            "applied_at",
        )
        read_only_fields = fields
