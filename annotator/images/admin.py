from django.contrib import admin

from annotator.images.models import ImageAsset

admin.site.register(ImageAsset)
