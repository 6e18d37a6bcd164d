from django.urls import path

from annotator.annotations import apis

urlpatterns = [
    path("projects/<int:project_id>/annotations/", apis.AnnotationListApi.as_view(), name="api-annotations"),
    path(
        "projects/<int:project_id>/annotations/<int:annotation_id>/matte.png",
        apis.AnnotationMatteApi.as_view(),
        name="api-annotation-matte",
    ),
]
