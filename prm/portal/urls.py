from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portals/", views.my_portals, name="my_portals"),
    path("branding/logo.png", views.logo, name="logo"),
    path("branding/colours.css", views.colours, name="colours"),
]
