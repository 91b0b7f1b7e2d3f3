"""PSAT surveys in the portal; the emailed link is public (its signed token names the request)."""

from django.urls import path

from .views import surveys

app_name = "surveys"

urlpatterns = [
    path("", surveys.survey_list, name="list"),
    path("<int:pk>/", surveys.survey_answer_page, name="answer"),
    path("answer/<str:token>/", surveys.survey_answer_link, name="answer_link"),
]
