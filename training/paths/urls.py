"""The portal's path pages and certificates, mounted at /learning/paths/."""

from django.urls import path

from . import views

app_name = "training_paths"

urlpatterns = [
    path("<int:pk>/", views.path_page, name="path"),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
]
