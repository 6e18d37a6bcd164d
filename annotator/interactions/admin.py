from django.contrib import admin

from annotator.interactions.models import InteractionEvent, InteractionSession

admin.site.register(InteractionSession)
admin.site.register(InteractionEvent)
