"""Business reviews in the portal, mounted once at /reviews/ (namespace `qbrs`)."""

from django.urls import URLPattern, path

from .views import qbrs

app_name = "qbrs"

urlpatterns: list[URLPattern] = [
    path("", qbrs.reviews, name="reviews"),
    path("<int:pk>/", qbrs.review, name="review"),
    path("<int:pk>/pdf/", qbrs.review_pdf, name="review_pdf"),
    path("actions/<int:pk>/", qbrs.action_track, name="action_track"),
]
