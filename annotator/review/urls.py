from django.urls import path

from annotator.review import apis

IMAGE = "images/<int:image_id>/"

urlpatterns = [
    path("projects/<int:project_id>/review/", apis.ReviewQueueApi.as_view(), name="api-review-queue"),
    path(
        "projects/<int:project_id>/annotations/<int:annotation_id>/reviews/",
        apis.ObjectReviewHistoryApi.as_view(),
        name="api-annotation-reviews",
    ),
    path(f"{IMAGE}review/", apis.ImageReviewApi.as_view(), name="api-image-review"),
    path(
        f"{IMAGE}review/objects/<int:annotation_id>/",
        apis.ObjectVerdictApi.as_view(),
        name="api-object-verdict",
    ),
    path(f"{IMAGE}review/finish/", apis.ReviewFinishApi.as_view(), name="api-review-finish"),
    path(f"{IMAGE}review/history/", apis.ImageReviewHistoryApi.as_view(), name="api-review-history"),
    path(f"{IMAGE}comments/", apis.CommentListApi.as_view(), name="api-comments"),
    path(
        f"{IMAGE}comments/<int:comment_id>/resolve/",
        apis.CommentResolveApi.as_view(),
        name="api-comment-resolve",
    ),
]
