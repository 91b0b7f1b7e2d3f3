"""A PSAT survey's results pages, mounted at /admin/partners/surveys/
(`tenant_admin_site.register_urls` in apps.py); names in the `admin` namespace."""

from django.urls import path

from . import surveys

urlpatterns = [
    path("<int:pk>/results/", surveys.survey_results_view, name="partners_survey_results"),
    path("<int:pk>/answers.csv", surveys.survey_answers_csv, name="partners_survey_answers_csv"),
]
