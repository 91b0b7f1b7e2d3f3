"""The partner portal's funds, requests, claims and proof files, mounted at /funds/
(namespace `mdf`)."""

from django.urls import path

from .views import claims, files, funds, requests

app_name = "mdf"

urlpatterns = [
    path("", funds.funds, name="funds"),
    path("request/<int:fund>/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", requests.request_submit_view, name="request_submit"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw_view, name="request_withdraw"),
    path("requests/<int:request>/claim/", claims.claim_new, name="claim_new"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("claims/<int:pk>/edit/", claims.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/submit/", claims.claim_submit_view, name="claim_submit"),
    path("proof/<int:pk>/", files.proof_download, name="proof"),
    path("proof/<int:pk>/delete/", files.proof_delete_view, name="proof_delete"),
]
