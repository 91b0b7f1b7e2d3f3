"""The tenant URLs plus the bench's reference views under /bench/."""

from django.urls import include, path

from prm.urls import urlpatterns as tenant_urlpatterns

from . import views

bench_patterns = [
    path("bare/", views.bare, name="bare"),
    path("one-query/", views.one_query, name="one_query"),
    path("table/", views.table, name="table"),
]

urlpatterns = [path("bench/", include((bench_patterns, "bench"))), *tenant_urlpatterns]
