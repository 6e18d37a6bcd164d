from rest_framework import serializers

from annotator.projects.engines import ENGINE_CHOICES, engine_in_use
from annotator.projects.models import LabelClass, Project
from inference.pipelines import available_pipelines


class LabelClassSerializer(serializers.ModelSerializer[LabelClass]):
    class Meta:
        model = LabelClass
        fields = ["id", "name", "colour"]


class LabelClassInputSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=100)
    colour = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)


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
    engine = serializers.ChoiceField(choices=ENGINE_CHOICES, required=False)
    pipeline = serializers.ChoiceField(choices=available_pipelines(), required=False)

    def validate(self, attrs: dict[str, str]) -> dict[str, str]:
        if not attrs:
            raise serializers.ValidationError("Give an engine, a pipeline or both.")
        return attrs
