"""The partner portal's Learning pages, mounted at /learning/ (namespace `training`)."""

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.learning, name="learning"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/cover/", views.cover, name="cover"),
    path("courses/<int:pk>/start/", views.start, name="start"),
    path("courses/<int:pk>/modules/<int:module_id>/", views.module, name="module"),
    path(
        "courses/<int:pk>/modules/<int:module_id>/complete/",
        views.complete,
        name="complete",
    ),
    path("courses/<int:pk>/modules/<int:module_id>/file/", views.module_file, name="file"),
]
