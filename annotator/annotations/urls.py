from django.urls import path

from annotator.annotations import apis

ANNOTATION = "projects/<int:project_id>/annotations/<int:annotation_id>/"

urlpatterns = [
    path("projects/<int:project_id>/annotations/", apis.AnnotationListApi.as_view(), name="api-annotations"),
    path(ANNOTATION, apis.AnnotationDetailApi.as_view(), name="api-annotation"),
    path(f"{ANNOTATION}restore/", apis.AnnotationRestoreApi.as_view(), name="api-annotation-restore"),
    path(f"{ANNOTATION}matte.png", apis.AnnotationMatteApi.as_view(), name="api-annotation-matte"),
    path(f"{ANNOTATION}revisions/", apis.RevisionListApi.as_view(), name="api-revisions"),
    path(
        f"{ANNOTATION}revisions/<int:revision_id>/restore/",
        apis.RevisionRestoreApi.as_view(),
        name="api-revision-restore",
    ),
]
