"""The portal's Resources pages, mounted at /resources/ (namespace `library`)."""

from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.resources, name="resources"),
    path("<int:pk>/", views.asset, name="asset"),
    path("<int:pk>/download/", views.download, name="download"),
]
