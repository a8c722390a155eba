"""People and profiles over REST (``/api/v1/people``, ``/api/v1/profiles``; IAM-07, IAM-10).

Reading needs ``users:read`` or ``users:administer``; every write needs
``users:administer`` (the admin role) and goes through the accounts services. After a
write the object is read again through the scoped selector (restrict, then verify).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from guichet.accounts import selectors
from guichet.accounts.choices import DeactivationReason, IdentifierState
from guichet.accounts.errors.people import PERSON_EDIT_INVALID
from guichet.accounts.models import Profile, Role, User
from guichet.accounts.rights import (
    ADMINISTER,
    CATALOGUE,
    READ_PEOPLE,
    available_areas,
    rights_of,
    subscribed_services_of,
)
from guichet.accounts.services import people as people_services
from guichet.accounts.services import profiles as profile_services
from guichet.accounts.services import sessions as sessions_services
from guichet.core.api.permissions import IsAuthenticatedPrincipal
from guichet.core.api.serializers import TmfFieldsMixin
from guichet.core.api.views import ScopedModelViewSet
from guichet.core.errors import MISSING_RIGHT, GuichetError
from guichet.core.principal import resolve_principal
from guichet.operators.selectors import operator_for


class PeopleRights(BasePermission):
    """``users:read`` (or ``users:administer``) to read, ``users:administer`` to change."""

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = resolve_principal(request)
        if principal is None:
            return False
        if principal.has_right(ADMINISTER):
            return True
        if request.method in SAFE_METHODS and principal.has_right(READ_PEOPLE):
            return True
        wanted = READ_PEOPLE if request.method in SAFE_METHODS else ADMINISTER
        raise GuichetError(MISSING_RIGHT, right=wanted)


class ProfileRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    """A person (« Personne Habilitée ») of an operator; ``username`` is its identifier."""

    href = serializers.HyperlinkedIdentityField(view_name="api:person-detail")
    operator = serializers.IntegerField(
        source="operator_id",
        required=False,
        help_text="Opérateur de la personne (Fournisseur uniquement ; sinon celui de l'appelant).",
    )
    operator_code = serializers.CharField(source="operator.arcep_code", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    profiles = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Profile.objects.none(),
        help_text="Profils attribués : modèles du Fournisseur ou profils de l'opérateur.",
    )
    profile_details = serializers.SerializerMethodField()
    rights = serializers.SerializerMethodField()
    requested_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Date de réception du bon de commande désignant la personne (aujourd'hui par défaut).",
    )

    class Meta:
        model = User
        fields = (
            "id",
            "href",
            "username",
            "email",
            "first_name",
            "last_name",
            "operator",
            "operator_code",
            "role",
            "state",
            "state_label",
            "profiles",
            "profile_details",
            "rights",
            "last_used_at",
            "issued_at",
            "requested_on",
            "deactivated_at",
            "deactivation_reason",
        )
        read_only_fields = (
            "state",
            "last_used_at",
            "issued_at",
            "deactivated_at",
            "deactivation_reason",
        )
        # The rules (login unique forever, format, the cap of 100) live in the services.
        extra_kwargs = {"username": {"validators": []}, "email": {"required": True}}

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        principal = resolve_principal(request) if request is not None else None
        if principal is not None:
            # Only visible profiles can be named: another operator's does not exist here.
            fields["profiles"].child_relation.queryset = selectors.profiles_for(principal)
        return fields

    @extend_schema_field(ProfileRefSerializer(many=True))
    def get_profile_details(self, obj: User) -> list[dict[str, Any]]:
        return [{"id": p.pk, "name": p.name} for p in obj.profiles.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_rights(self, obj: User) -> list[str]:
        """Effective rights today: profiles within subscriptions, role rules applied."""
        cache = self.context.setdefault("_subscribed", {})
        if obj.operator_id not in cache:
            cache[obj.operator_id] = subscribed_services_of(obj.operator_id)
        codes = rights_of(obj, subscribed_services=cache[obj.operator_id])
        return [right.code for right in CATALOGUE if right.code in codes]


class LossSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[
            (DeactivationReason.LOST.value, "Perte"),
            (DeactivationReason.FRAUD.value, "Fraude"),
        ]
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class LoginEventSerializer(serializers.Serializer):
    """One event of a login history (from the audit journal)."""

    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    action = serializers.CharField(help_text="Action du journal (accounts.login.success…).")
    label = serializers.SerializerMethodField()
    channel = serializers.CharField()
    ip = serializers.IPAddressField(allow_null=True)

    def get_label(self, obj: Any) -> str:
        return str(selectors.LOGIN_HISTORY_ACTIONS.get(obj.action, obj.action))


class LockStateSerializer(serializers.Serializer):
    """Whether failed logins have locked the identifier (django-axes)."""

    locked_out = serializers.BooleanField()
    failed_attempts = serializers.IntegerField()
    failure_limit = serializers.IntegerField()


def lock_state(person: User) -> dict[str, Any]:
    return {
        "locked_out": selectors.is_locked_out(person),
        "failed_attempts": selectors.failed_attempts(person),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }


class PersonFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=IdentifierState.choices)
    role = filters.ChoiceFilter(choices=Role.choices)
    operator = filters.NumberFilter(field_name="operator_id")
    profile = filters.NumberFilter(field_name="profiles")

    class Meta:
        model = User
        fields = ("state", "role", "operator", "profile")


@extend_schema_view(
    list=extend_schema(summary="Liste des personnes habilitées de l'opérateur"),
    retrieve=extend_schema(summary="Fiche d'une personne habilitée, avec ses droits effectifs"),
    create=extend_schema(
        summary="Désigner une personne : émettre son identifiant (lien d'initialisation envoyé)"
    ),
    partial_update=extend_schema(summary="Modifier le nom, le courriel, le rôle ou les profils"),
)
class PersonViewSet(ScopedModelViewSet):
    """People of the caller's operator (all operators for the Provider); writes need users:administer."""

    serializer_class = PersonSerializer
    selector = staticmethod(selectors.administered_people_for)
    permission_classes = [IsAuthenticatedPrincipal, PeopleRights]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = PersonFilter
    search_fields = ("username", "first_name", "last_name", "email")
    ordering_fields = ("username", "last_name", "email", "state", "last_used_at", "issued_at")
    ordering = ("username",)

    def _reread(self, person: User) -> User:
        return selectors.administered_person_for(self.principal, person.pk)

    def perform_create(self, serializer: PersonSerializer) -> None:
        data = dict(serializer.validated_data)
        operator_id = data.pop("operator_id", None)
        if self.principal.is_provider:
            operator = operator_for(self.principal, operator_id) if operator_id else None
        else:
            operator = operator_for(self.principal, operator_id or self.principal.operator_id)
        person = people_services.add_person(actor=self.principal, operator=operator, **data)
        serializer.instance = self._reread(person)

    def perform_update(self, serializer: PersonSerializer) -> None:
        data = dict(serializer.validated_data)
        person = serializer.instance
        for field, current in (
            ("username", person.username),
            ("operator_id", person.operator_id),
            ("requested_on", person.requested_on),
        ):
            if field in data and data.pop(field) != current:
                name = field.removesuffix("_id")
                raise GuichetError(
                    PERSON_EDIT_INVALID, field=name, detail=f"{name} : non modifiable"
                )
        updated = people_services.update_person(actor=self.principal, person=person, **data)
        serializer.instance = self._reread(updated)

    def _answer(self, person: User, code: int = status.HTTP_200_OK) -> Response:
        serializer = self.get_serializer(self._reread(person))
        return Response(serializer.data, status=code)

    @extend_schema(
        summary="Désactiver l'identifiant (ses sessions prennent fin)",
        request=None,
        responses=PersonSerializer,
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        person = people_services.deactivate_person(actor=self.principal, person=self.get_object())
        return self._answer(person)

    @extend_schema(
        summary="Réactiver un identifiant désactivé", request=None, responses=PersonSerializer
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str | None = None) -> Response:
        person = people_services.reactivate_person(actor=self.principal, person=self.get_object())
        return self._answer(person)

    @extend_schema(
        summary="Historique des connexions de la personne (administrateur ; le plus récent d'abord)",
        responses=LoginEventSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="login-history")
    def login_history(self, request: Request, pk: str | None = None) -> Response:
        person = selectors.history_person_for(self.principal, int(self.get_object().pk))
        events = selectors.login_history_for(self.principal, person)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(LoginEventSerializer(page, many=True).data)

    @extend_schema(
        summary="Débloquer un identifiant bloqué après trop d'échecs de connexion",
        request=None,
        responses=LockStateSerializer,
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: str | None = None) -> Response:
        person = sessions_services.unlock_identifier(actor=self.principal, person=self.get_object())
        return Response(lock_state(person))

    @extend_schema(
        summary="Déclarer la perte ou une fraude : désactivation immédiate et nouvel identifiant",
        request=LossSerializer,
        responses={201: PersonSerializer},
    )
    @action(detail=True, methods=["post"], url_path="declare-loss")
    def declare_loss(self, request: Request, pk: str | None = None) -> Response:
        person = self.get_object()
        body = LossSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        replacement = people_services.report_loss(
            actor=self.principal, person=person, **body.validated_data
        )
        return self._answer(replacement, status.HTTP_201_CREATED)


class ProfileSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    """A profile: a named set of rights (« Profil », art. 1); a template when ``operator`` is null."""

    href = serializers.HyperlinkedIdentityField(view_name="api:profile-detail")
    operator = serializers.IntegerField(
        source="operator_id",
        required=False,
        allow_null=True,
        help_text="Opérateur propriétaire ; vide pour un modèle du Fournisseur.",
    )
    rights = serializers.ListField(
        child=serializers.CharField(), help_text="Droits, par exemple « e-rdv:book »."
    )
    is_template = serializers.SerializerMethodField()
    holders = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = (
            "id",
            "href",
            "name",
            "description",
            "rights",
            "operator",
            "is_template",
            "holders",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")
        validators: list[Any] = []  # name uniqueness answers IAM-042 from the service
        extra_kwargs = {"name": {"validators": []}, "description": {"required": False}}

    def get_is_template(self, obj: Profile) -> bool:
        return obj.operator_id is None

    def get_holders(self, obj: Profile) -> int:
        """People holding it (for an operator: its own people only)."""
        return int(getattr(obj, "holders", 0) or 0)


class RightSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    area = serializers.CharField()
    available = serializers.BooleanField(
        help_text="Vrai si l'opérateur de l'appelant peut l'utiliser aujourd'hui."
    )


@extend_schema_view(
    list=extend_schema(
        summary="Liste des profils : modèles du Fournisseur et profils de l'opérateur"
    ),
    retrieve=extend_schema(summary="Détail d'un profil"),
    create=extend_schema(summary="Créer un profil (modèle si Fournisseur sans opérateur)"),
    partial_update=extend_schema(summary="Modifier un profil"),
    destroy=extend_schema(summary="Supprimer un profil que personne ne détient"),
)
class ProfileViewSet(ScopedModelViewSet):
    """The Provider's templates and the caller's operator's own profiles (IAM-07)."""

    serializer_class = ProfileSerializer
    selector = staticmethod(selectors.profiles_for)
    permission_classes = [IsAuthenticatedPrincipal, PeopleRights]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    search_fields = ("name", "description")
    ordering_fields = ("name", "created_at")
    ordering = ("name",)

    def perform_create(self, serializer: ProfileSerializer) -> None:
        data = dict(serializer.validated_data)
        operator_id = data.pop("operator_id", None)
        operator = operator_for(self.principal, operator_id) if operator_id else None
        profile = profile_services.create_profile(actor=self.principal, operator=operator, **data)
        serializer.instance = selectors.profile_for(self.principal, profile.pk)

    def perform_update(self, serializer: ProfileSerializer) -> None:
        data = dict(serializer.validated_data)
        profile = serializer.instance
        if "operator_id" in data and data.pop("operator_id") != profile.operator_id:
            raise GuichetError(
                PERSON_EDIT_INVALID, field="operator", detail="operator : non modifiable"
            )
        profile_services.update_profile(actor=self.principal, profile=profile, **data)
        serializer.instance = selectors.profile_for(self.principal, profile.pk)

    def perform_destroy(self, instance: Profile) -> None:
        profile_services.delete_profile(actor=self.principal, profile=instance)

    @extend_schema(
        summary="Catalogue des droits, avec leur disponibilité pour l'opérateur de l'appelant",
        responses=RightSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def rights(self, request: Request) -> Response:
        if self.principal.is_provider or self.principal.operator_id is None:
            areas = None
        else:
            areas = available_areas(subscribed_services_of(self.principal.operator_id))
        data = [
            {
                "code": right.code,
                "label": str(right.label),
                "area": right.area,
                "available": areas is None or right.area in areas,
            }
            for right in CATALOGUE
        ]
        return Response(RightSerializer(data, many=True).data)
