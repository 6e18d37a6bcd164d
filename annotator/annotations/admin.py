from django.contrib import admin

from annotator.annotations.models import Annotation, AnnotationMatte

admin.site.register(Annotation)
admin.site.register(AnnotationMatte)
