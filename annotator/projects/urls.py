from django.urls import path

from annotator.projects import apis

urlpatterns = [
    path("projects/", apis.ProjectListApi.as_view(), name="api-projects"),
    path("projects/<int:project_id>/", apis.ProjectDetailApi.as_view(), name="api-project"),
    path("projects/<int:project_id>/classes/", apis.LabelClassListApi.as_view(), name="api-classes"),
]
