from django.contrib import admin

from annotator.annotations.models import Annotation

admin.site.register(Annotation)
