from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("agreement/", views.agreement, name="agreement"),
]
