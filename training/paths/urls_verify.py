"""The public verification page of certificates, mounted at /verify/."""

from django.urls import path

from . import views

app_name = "training_verify"

urlpatterns = [path("<slug:code>/", views.verify, name="certificate")]
