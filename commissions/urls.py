"""The partner portal's earnings pages, mounted at /earnings/ (namespace `commissions`).

Each part adds its paths in a block of its own."""

from django.urls import path

from .views import statements

app_name = "commissions"

urlpatterns = [
    # B: statements
    path("statements/", statements.statements, name="statements"),
    path("statements/<int:pk>/", statements.statement, name="statement"),
    path("statements/<int:pk>/pdf/", statements.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/csv/", statements.statement_csv, name="statement_csv"),
]
