from django.urls import path

from annotator.images import apis

urlpatterns = [
    path("projects/<int:project_id>/images/", apis.ImageListApi.as_view(), name="api-images"),
    path("images/<int:image_id>/", apis.ImageDetailApi.as_view(), name="api-image"),
    path("images/<int:image_id>/file/", apis.ImageFileApi.as_view(), name="api-image-file"),
]
