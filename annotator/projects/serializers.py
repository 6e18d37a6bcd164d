from rest_framework import serializers

from annotator.projects.models import LabelClass, Project


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

    class Meta:
        model = Project
        fields = ["id", "name", "description", "engine", "created_at", "label_classes", "role"]

    def get_role(self, project: Project) -> str | None:
        roles: dict[int, str] = self.context.get("roles", {})
        return roles.get(project.id)


class ProjectInputSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    classes = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=100
    )
