"""The vendor's MDF review pages beside the model admins' lists and screens, mounted at
/admin/mdf/review/ (`tenant_admin_site.register_urls` in `mdf/admin/__init__.py`), each behind
the site's `admin_view`; the names join the `admin` namespace (`admin:mdf_mdfrequest_approve`).
Each view declares its capability, resolves its object through `mdf.access` and calls one
service."""

from django.urls import path

from . import batch_review, claims, payments, requests

urlpatterns = [
    # A CAM (or a program leader) decides a request (requests.py -> services.review)
    path("request/<path:object_id>/approve/", requests.approve, name="mdf_mdfrequest_approve"),
    path(
        "request/<path:object_id>/second-approval/",
        requests.approve_second,
        name="mdf_mdfrequest_approve_second",
    ),
    path(
        "request/<path:object_id>/request-info/",
        requests.request_info,
        name="mdf_mdfrequest_request_info",
    ),
    path("request/<path:object_id>/reject/", requests.reject, name="mdf_mdfrequest_reject"),
    path("request/<path:object_id>/decline/", requests.decline, name="mdf_mdfrequest_decline"),
    path("request/<path:object_id>/extend-claim/", requests.extend, name="mdf_mdfrequest_extend"),
    path("request/<path:object_id>/release/", requests.release, name="mdf_mdfrequest_release"),
    # A CAM decides a claim (claims.py -> services.claim_review)
    path("claim/<path:object_id>/approve/", claims.approve, name="mdf_claim_approve"),
    path(
        "claim/<path:object_id>/request-info/", claims.request_info, name="mdf_claim_request_info"
    ),
    path("claim/<path:object_id>/reject/", claims.reject, name="mdf_claim_reject"),
    # Staff download a proof file of a claim they see
    path("proof/<path:pk>/", claims.proof_download, name="mdf_proof"),
    # Partner operations pay claims (payments.py -> services.payments)
    path("claim/<path:object_id>/pay/", payments.pay, name="mdf_claim_pay"),
    path("paymentbatch/new/", payments.batch_create, name="mdf_paymentbatch_create"),
    path("paymentbatch/<path:object_id>/csv/", payments.batch_csv, name="mdf_paymentbatch_csv"),
    path(
        "paymentbatch/<path:object_id>/import/",
        payments.batch_import,
        name="mdf_paymentbatch_import",
    ),
    # The batch review of a fund's waiting requests (batch_review.py -> services.review)
    path("fund/<path:pk>/batch-review/", batch_review.batch_review, name="mdf_batch_review"),
]
