"""REST endpoints of datasets: ask for an export or an import, follow it, download the zip."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.common.errors import Conflict
from annotator.common.pagination import PagedApi
from annotator.exports import dispatch, selectors
from annotator.exports.serializers import (
    ExportInputSerializer,
    ExportJobSerializer,
    ImportInputSerializer,
    ImportJobSerializer,
)
from annotator.projects.permissions import Action
from annotator.projects.selectors import membership_require


class ExportListApi(PagedApi):
    @extend_schema(responses=ExportJobSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        membership_require(user=request.user, project_id=project_id, action=Action.DATASET_EXPORT)
        return self.page(request, selectors.export_jobs(project_id=project_id), ExportJobSerializer)

    @extend_schema(request=ExportInputSerializer, responses={202: ExportJobSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        """Export the chosen images and objects in a format: a job on the batch queue; follow
        it here and download its zip when it is done."""
        membership = membership_require(
            user=request.user, project_id=project_id, action=Action.DATASET_EXPORT
        )
        data = ExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = dict(data.validated_data)
        job = dispatch.export_request(
            project=membership.project,
            user=request.user,  # type: ignore[arg-type]
            format=options.pop("format"),
            options=options,
        )
        job.refresh_from_db()
        return Response(ExportJobSerializer(job).data, status=202)


class ExportDetailApi(APIView):
    @extend_schema(responses=ExportJobSerializer)
    def get(self, request: Request, project_id: int, job_id: int) -> Response:
        membership_require(user=request.user, project_id=project_id, action=Action.DATASET_EXPORT)
        return Response(
            ExportJobSerializer(selectors.export_job_get(project_id=project_id, job_id=job_id)).data
        )


class ExportDownloadApi(APIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, project_id: int, job_id: int) -> FileResponse:
        """The export's zip, streamed."""
        membership_require(user=request.user, project_id=project_id, action=Action.DATASET_EXPORT)
        job = selectors.export_job_get(project_id=project_id, job_id=job_id)
        if not job.file:
            raise Conflict(
                f"The export is {job.state}: there is no file to download yet.", code="export_not_ready"
            )
        name = f"{job.project.name}-{job.format}-{job.id}.zip".replace(" ", "_")
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=name, content_type="application/zip"
        )


class ImportListApi(PagedApi):
    parser_classes = [MultiPartParser]
    max_request_setting = "MASKLOOP_MAX_IMPORT_BYTES"

    @extend_schema(responses=ImportJobSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        membership_require(user=request.user, project_id=project_id, action=Action.DATASET_IMPORT)
        return self.page(request, selectors.import_jobs(project_id=project_id), ImportJobSerializer)

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer}, responses={202: ImportJobSerializer}
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Import a zip (COCO with its images, a Maskloop archive, or images alone): a job on
        the batch queue, whose report says what was added and what was refused and why."""
        membership = membership_require(
            user=request.user, project_id=project_id, action=Action.DATASET_IMPORT
        )
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = dispatch.import_request(
            project=membership.project,
            user=request.user,  # type: ignore[arg-type]
            format=data.validated_data["format"],
            upload=data.validated_data["file"],
            annotations=data.validated_data.get("annotations"),
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=202)


class ImportDetailApi(APIView):
    @extend_schema(responses=ImportJobSerializer)
    def get(self, request: Request, project_id: int, job_id: int) -> Response:
        membership_require(user=request.user, project_id=project_id, action=Action.DATASET_IMPORT)
        return Response(
            ImportJobSerializer(selectors.import_job_get(project_id=project_id, job_id=job_id)).data
        )
