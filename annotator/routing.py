"""WebSocket routes."""

from django.urls import path

from annotator.interactions.consumers import AnnotationConsumer

websocket_urlpatterns = [
    path("ws/projects/<int:project_id>/", AnnotationConsumer.as_asgi()),
]
