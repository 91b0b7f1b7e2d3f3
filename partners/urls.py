from django.urls import path

from .views import agreement, program

app_name = "partners"

urlpatterns = [
    path("", program.program, name="program"),
    path("agreement/", agreement.agreement, name="agreement"),
]
