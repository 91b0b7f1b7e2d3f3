"""The partner portal's Learning pages, mounted at /learning/ (namespace `training`)."""

from django.urls import path

from . import views
from .quizzes import views as quiz_views

app_name = "training"

urlpatterns = [
    path("", views.learning, name="learning"),
    path("catalogue/", views.catalogue, name="catalogue"),
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
    path("courses/<int:pk>/modules/<int:module_id>/quiz/", quiz_views.quiz, name="quiz"),
    path(
        "courses/<int:pk>/modules/<int:module_id>/quiz/<int:number>/",
        quiz_views.result,
        name="quiz_result",
    ),
]
