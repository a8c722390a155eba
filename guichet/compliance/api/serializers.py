"""REST shapes of SEC-09 (``/api/v1/security-audits``, ``non-conformities``,
``remediation-plans``). Types only: the rules live in the services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guichet.compliance import selectors
from guichet.compliance.choices import (
    AuditorKind,
    AuditStatus,
    NonConformityStatus,
    PlanStatus,
    Requirement,
    Severity,
)
from guichet.compliance.models import (
    NonConformity,
    RemediationItem,
    RemediationPlan,
    SecurityAudit,
)
from guichet.core.api.serializers import TmfFieldsMixin


def status_field(choices: Any) -> serializers.CharField:
    """A read-only status whose values are listed in its description, not as an enum: the
    schema generator would otherwise rename the ``StatusEnum`` of every other resource that
    has a ``status`` (schema churn for integrators)."""

    values = ", ".join(f"`{value}`" for value in choices.values)

    @extend_schema_field({"type": "string", "readOnly": True, "description": f"Statut : {values}."})
    class StatusField(serializers.CharField):
        pass

    return StatusField(read_only=True)


class SecurityAuditSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:securityaudit-detail")
    operator_code = serializers.CharField(source="operator.arcep_code", read_only=True)
    status = status_field(AuditStatus)
    non_conformities = serializers.SerializerMethodField()

    class Meta:
        model = SecurityAudit
        fields = (
            "id",
            "href",
            "operator",
            "operator_code",
            "performed_on",
            "scope",
            "auditor",
            "auditor_kind",
            "findings",
            "status",
            "recorded_by",
            "closed_at",
            "non_conformities",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_non_conformities(self, audit: SecurityAudit) -> list[int]:
        """The ids of the non-conformities the caller may see."""
        request = self.context.get("request")
        view = self.context.get("view")
        principal = getattr(view, "principal", None)
        if request is None or principal is None:
            return []
        return list(
            selectors.non_conformities_for(principal, audit_id=audit.pk).values_list(
                "pk", flat=True
            )
        )


class NewAuditSerializer(serializers.Serializer):
    operator = serializers.IntegerField()
    performed_on = serializers.DateField()
    scope = serializers.CharField(allow_blank=True)
    auditor = serializers.CharField(allow_blank=True)
    auditor_kind = serializers.ChoiceField(choices=AuditorKind.choices)
    findings = serializers.CharField(allow_blank=True, required=False, default="")


class NonConformitySerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:nonconformity-detail")
    status = status_field(NonConformityStatus)
    late = serializers.SerializerMethodField(
        help_text="Plan manquant après l'échéance, ou action du plan approuvé en retard."
    )

    class Meta:
        model = NonConformity
        fields = (
            "id",
            "href",
            "audit",
            "operator",
            "number",
            "description",
            "severity",
            "requirement",
            "status",
            "notified_at",
            "plan_due_on",
            "late",
            "resolved_at",
            "suspension",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_late(self, non_conformity: NonConformity) -> bool:
        return selectors.is_in_default(non_conformity)


class NewNonConformitySerializer(serializers.Serializer):
    audit = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices)
    requirement = serializers.ChoiceField(choices=Requirement.choices)


class SuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RemediationItemSerializer(serializers.ModelSerializer):
    late = serializers.SerializerMethodField()

    class Meta:
        model = RemediationItem
        fields = ("position", "action", "owner", "due_on", "done_at", "done_by", "late")
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_late(self, item: RemediationItem) -> bool:
        return item.plan.status == "approved" and item.is_late(selectors.today())


class RemediationPlanSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    href = serializers.HyperlinkedIdentityField(view_name="api:remediationplan-detail")
    status = status_field(PlanStatus)
    items = RemediationItemSerializer(many=True, read_only=True)

    class Meta:
        model = RemediationPlan
        fields = (
            "id",
            "href",
            "non_conformity",
            "operator",
            "version",
            "summary",
            "status",
            "filed_by",
            "filed_at",
            "reviewed_by",
            "reviewed_at",
            "rejection_reason",
            "items",
        )
        read_only_fields = fields


class NewItemSerializer(serializers.Serializer):
    action = serializers.CharField(allow_blank=True)
    owner = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField()


class NewPlanSerializer(serializers.Serializer):
    non_conformity = serializers.IntegerField()
    summary = serializers.CharField(allow_blank=True, required=False, default="")
    items = NewItemSerializer(many=True)


class ItemProgressSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=1)
    done = serializers.BooleanField()

    def validate_done(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Une action faite ne se défait pas.")
        return value


class PlanProgressSerializer(serializers.Serializer):
    """PATCH: mark actions of an approved plan done."""

    items = ItemProgressSerializer(many=True)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


def positions(data: dict[str, Any]) -> list[int]:
    return [item["position"] for item in data["items"]]
