from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from annotator.projects.engines import ENGINE_CHOICES, engine_in_use
from annotator.projects.member_services import INVITATION_DAYS
from annotator.projects.models import Assignment, Invitation, LabelClass, Membership, Project, Role
from annotator.projects.selectors import invitation_state
from inference.pipelines import available_pipelines


class LabelClassSerializer(serializers.ModelSerializer[LabelClass]):
    class Meta:
        model = LabelClass
        fields = ["id", "name", "colour", "deleted_at"]


class LabelClassInputSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=100)
    colour = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)


class LabelClassChangeSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=100, required=False)
    colour = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)


class LabelClassOrderSerializer(serializers.Serializer[None]):
    class_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=1000)


class ProjectSerializer(serializers.ModelSerializer[Project]):
    label_classes = LabelClassSerializer(many=True, read_only=True)
    role = serializers.SerializerMethodField()
    engine_in_use = serializers.SerializerMethodField()
    engine_note = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "engine",
            "engine_in_use",
            "engine_note",
            "pipeline",
            "assignment",
            "annotators_correct_others",
            "noc_limit",
            "archived_at",
            "created_at",
            "label_classes",
            "role",
        ]

    def get_engine_in_use(self, project: Project) -> str:
        """The engine sessions get on this server: GrabCut when a SAM checkpoint is missing."""
        return engine_in_use(project.engine).engine

    def get_engine_note(self, project: Project) -> str:
        return engine_in_use(project.engine).note

    def get_role(self, project: Project) -> str | None:
        roles: dict[int, str] = self.context.get("roles", {})
        return roles.get(project.id)


class ProjectInputSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    engine = serializers.ChoiceField(choices=ENGINE_CHOICES, required=False, default="grabcut")
    pipeline = serializers.ChoiceField(choices=available_pipelines(), required=False, default="plain")
    classes = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=100
    )


class ProjectUpdateSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    engine = serializers.ChoiceField(choices=ENGINE_CHOICES, required=False)
    pipeline = serializers.ChoiceField(choices=available_pipelines(), required=False)
    assignment = serializers.ChoiceField(choices=Assignment.choices, required=False)
    annotators_correct_others = serializers.BooleanField(required=False)
    noc_limit = serializers.IntegerField(
        required=False, min_value=1, max_value=1000,
        help_text="an accepted object that took more model interactions counts as a failure",
    )  # fmt: skip

    def validate(self, attrs: dict[str, str]) -> dict[str, str]:
        if not attrs:
            raise serializers.ValidationError("Give at least one setting to change.")
        return attrs


class UserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "email", "is_staff", "date_joined", "last_login"]


class MemberSerializer(serializers.ModelSerializer[Membership]):
    user = serializers.IntegerField(source="user.id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "username", "email", "role", "created_at"]


class MemberAddSerializer(serializers.Serializer[None]):
    user = serializers.CharField(max_length=254, help_text="The account's username or e-mail address.")
    role = serializers.ChoiceField(choices=Role.choices)


class MemberRoleSerializer(serializers.Serializer[None]):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    state = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    used_by = serializers.CharField(source="used_by.username", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "role",
            "email",
            "state",
            "created_by",
            "created_at",
            "expires_at",
            "used_by",
            "used_at",
        ]

    def get_state(self, invitation: Invitation) -> str:
        """pending, used, revoked or expired."""
        return invitation_state(invitation)


class InvitationCreatedSerializer(InvitationSerializer):
    url = serializers.SerializerMethodField()
    emailed = serializers.SerializerMethodField()

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "url", "emailed"]

    def get_url(self, invitation: Invitation) -> str:
        """The link to hand to the person (shown this once)."""
        return str(self.context["url"])

    def get_emailed(self, invitation: Invitation) -> bool:
        """Whether the link was sent to the invitation's e-mail address."""
        return bool(self.context.get("emailed", False))


class InvitationInputSerializer(serializers.Serializer[None]):
    role = serializers.ChoiceField(choices=Role.choices)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    days = serializers.IntegerField(min_value=INVITATION_DAYS[0], max_value=INVITATION_DAYS[1], default=7)


class UserInputSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    is_staff = serializers.BooleanField(required=False, default=False)


class MeSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    is_staff = serializers.BooleanField()
    can_create_projects = serializers.BooleanField()
    has_token = serializers.BooleanField()


class TokenSerializer(serializers.Serializer[dict[str, str]]):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')
