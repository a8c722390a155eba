"""REST representations of billing. Types only: every rule lives in ``services``."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guichet.billing.choices import InvoiceStatus, LiableParty, LineKind, PriceKind
from guichet.billing.models import CreditNote, Invoice, InvoiceLine, LiabilityClaim, Price
from guichet.core.api.serializers import TmfFieldsMixin

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class PriceSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:price-detail")
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    price_kind = serializers.ChoiceField(source="kind", choices=PriceKind.choices, read_only=True)

    class Meta:
        model = Price
        fields = (
            "id",
            "href",
            "service",
            "service_name",
            "price_kind",
            "amount",
            "effective_from",
            "label",
            "notified_on",
            "scheduled_by",
        )
        read_only_fields = fields


class SchedulePriceSerializer(serializers.Serializer):
    """A first price, or a change with the notice of art. 10.2 (CTR-12)."""

    service = serializers.CharField(max_length=30, help_text="Code de l'e-service (ex. e-rdv).")
    price_kind = serializers.ChoiceField(choices=PriceKind.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal(0))
    effective_from = serializers.DateField()
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class InvoiceLineSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    line_kind = serializers.ChoiceField(source="kind", choices=LineKind.choices, read_only=True)

    class Meta:
        model = InvoiceLine
        fields = (
            "position",
            "service",
            "line_kind",
            "label",
            "period_start",
            "period_end",
            "quantity",
            "unit_price",
            "amount_ht",
            "vat_amount",
            "amount_ttc",
        )
        read_only_fields = fields


class InvoiceSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:invoice-detail")
    operator_code = serializers.CharField(source="operator.arcep_code", read_only=True)
    pdf_href = serializers.SerializerMethodField()
    invoice_status = serializers.ChoiceField(
        source="status", choices=InvoiceStatus.choices, read_only=True
    )

    class Meta:
        model = Invoice
        fields = (
            "id",
            "href",
            "number",
            "operator",
            "operator_code",
            "period",
            "invoice_status",
            "issued_on",
            "vat_rate",
            "total_ht",
            "total_vat",
            "total_ttc",
            "pdf_sha256",
            "pdf_href",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_href(self, obj: Invoice) -> str | None:
        request = self.context.get("request")
        if not obj.is_issued or request is None:
            return None
        return request.build_absolute_uri(f"/api/v1/invoices/{obj.pk}/pdf")


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = (*InvoiceSerializer.Meta.fields, "lines")
        read_only_fields = fields


class GenerateInvoicesSerializer(serializers.Serializer):
    month = serializers.CharField(max_length=7, help_text="Mois échu, AAAA-MM.")
    issue = serializers.BooleanField(default=False, help_text="Émettre aussitôt (numéro, PDF).")


class GenerationSummarySerializer(serializers.Serializer):
    month = serializers.CharField()
    issued = serializers.ListField(child=serializers.CharField())
    drafted = serializers.ListField(child=serializers.IntegerField())
    already_issued = serializers.ListField(child=serializers.IntegerField())
    nothing_owed = serializers.ListField(child=serializers.IntegerField())


class CreditNoteSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:creditnote-detail")
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = CreditNote
        fields = (
            "id",
            "href",
            "number",
            "invoice",
            "invoice_number",
            "operator",
            "reason",
            "issued_on",
            "vat_rate",
            "total_ht",
            "total_vat",
            "total_ttc",
            "pdf_sha256",
        )
        read_only_fields = fields


class NewCreditNoteSerializer(serializers.Serializer):
    invoice = serializers.IntegerField(help_text="La facture émise corrigée.")
    reason = serializers.CharField(max_length=2000)
    amount_ht = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Montant HT crédité ; absent : tout ce qui reste à créditer.",
    )


class LiabilityClaimSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:liabilityclaim-detail")
    capped = serializers.BooleanField(read_only=True)

    class Meta:
        model = LiabilityClaim
        fields = (
            "id",
            "href",
            "operator",
            "liable_party",
            "incident_reference",
            "incident_date",
            "description",
            "amount_claimed",
            "amount_proposed",
            "amount_retained",
            "capped",
            "decided_on",
            "recorded_by",
            "created_at",
        )
        read_only_fields = fields


class NewClaimSerializer(serializers.Serializer):
    operator = serializers.IntegerField()
    liable_party = serializers.ChoiceField(choices=LiableParty.choices)
    incident_reference = serializers.CharField(max_length=100)
    incident_date = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    amount_claimed = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount_retained = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


class DecideClaimSerializer(serializers.Serializer):
    amount_retained = serializers.DecimalField(max_digits=14, decimal_places=2)


class IncidentCeilingSerializer(serializers.Serializer):
    reference = serializers.CharField()
    retained = serializers.DecimalField(**MONEY)
    remaining = serializers.DecimalField(**MONEY)


class CeilingSerializer(serializers.Serializer):
    operator_id = serializers.IntegerField()
    operator_name = serializers.CharField()
    liable_party = serializers.ChoiceField(choices=LiableParty.choices)
    year = serializers.IntegerField()
    retained = serializers.DecimalField(**MONEY)
    remaining = serializers.DecimalField(**MONEY)
    incidents = IncidentCeilingSerializer(many=True)
