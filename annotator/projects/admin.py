from django.contrib import admin

from annotator.projects.models import LabelClass, Membership, Project

admin.site.register(Project)
admin.site.register(LabelClass)
admin.site.register(Membership)
