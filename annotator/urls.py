"""URL routes: the pages, the REST API and its schema."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from annotator.common import error_pages

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("annotator.projects.urls")),
    path("api/", include("annotator.images.urls")),
    path("api/", include("annotator.annotations.urls")),
    path("api/", include("annotator.adaptation.urls")),
    path("api/", include("annotator.review.urls")),
    path("api/", include("annotator.exports.urls")),
    path("api/", include("annotator.analytics.urls")),
    # Anything else under /api/ is the API's JSON 404, with debug pages on too.
    re_path(r"^api/", error_pages.not_found),
    path("", include("annotator.pages.urls")),
]

handler400 = "annotator.common.error_pages.bad_request"
handler403 = "annotator.common.error_pages.permission_denied"
handler404 = "annotator.common.error_pages.not_found"
handler500 = "annotator.common.error_pages.server_error"
