from django.urls import path

from annotator.exports import apis

PROJECT = "projects/<int:project_id>/"

urlpatterns = [
    path(f"{PROJECT}exports/", apis.ExportListApi.as_view(), name="api-exports"),
    path(f"{PROJECT}exports/<int:job_id>/", apis.ExportDetailApi.as_view(), name="api-export"),
    path(
        f"{PROJECT}exports/<int:job_id>/download/",
        apis.ExportDownloadApi.as_view(),
        name="api-export-download",
    ),
    path(f"{PROJECT}imports/", apis.ImportListApi.as_view(), name="api-imports"),
    path(f"{PROJECT}imports/<int:job_id>/", apis.ImportDetailApi.as_view(), name="api-import"),
]
