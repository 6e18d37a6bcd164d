from django.urls import path

from annotator.images import apis, work_apis

PROJECT = "projects/<int:project_id>/"

urlpatterns = [
    path(f"{PROJECT}images/", apis.ImageListApi.as_view(), name="api-images"),
    path(f"{PROJECT}images/delete/", apis.ImageBulkDeleteApi.as_view(), name="api-images-delete"),
    path(f"{PROJECT}progress/", work_apis.ProgressApi.as_view(), name="api-progress"),
    path(f"{PROJECT}assignments/", work_apis.AssignmentListApi.as_view(), name="api-assignments"),
    path(
        f"{PROJECT}assignments/remove/",
        work_apis.AssignmentRemoveApi.as_view(),
        name="api-assignments-remove",
    ),
    path(f"{PROJECT}work/", work_apis.WorkApi.as_view(), name="api-work"),
    path(f"{PROJECT}work/around/", work_apis.WorkAroundApi.as_view(), name="api-work-around"),
    path(f"{PROJECT}work/take/", work_apis.WorkTakeApi.as_view(), name="api-work-take"),
    path("images/<int:image_id>/", apis.ImageDetailApi.as_view(), name="api-image"),
    path("images/<int:image_id>/file/", apis.ImageFileApi.as_view(), name="api-image-file"),
    path("images/<int:image_id>/restore/", apis.ImageRestoreApi.as_view(), name="api-image-restore"),
    path("images/<int:image_id>/status/", apis.ImageStatusApi.as_view(), name="api-image-status"),
    path("images/<int:image_id>/history/", apis.ImageHistoryApi.as_view(), name="api-image-history"),
]
