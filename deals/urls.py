"""The partner portal's deal registration and leads, mounted at /deals/ (namespace `deals`)."""

from django.urls import path

from .views import actions, attachments, comments, detail, leads, listing, registration

app_name = "deals"

urlpatterns = [
    path("", listing.deal_list, name="list"),
    path("new/", registration.create, name="create"),
    path("precheck/", registration.precheck, name="precheck"),
    path("export/", listing.export, name="export"),
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/edit/", registration.edit, name="edit"),
    path("<int:pk>/submit/", actions.submit, name="submit"),
    path("<int:pk>/withdraw/", actions.withdraw, name="withdraw"),
    path("<int:pk>/won/", actions.won, name="won"),
    path("<int:pk>/lost/", actions.lost, name="lost"),
    path("<int:pk>/extend/", actions.extend, name="extend"),
    path("<int:pk>/files/", attachments.attachment_add_view, name="attachment_add"),
    path(
        "<int:pk>/files/<int:attachment_id>/",
        attachments.attachment_download,
        name="attachment",
    ),
    path(
        "<int:pk>/files/<int:attachment_id>/delete/",
        attachments.attachment_delete_view,
        name="attachment_delete",
    ),
    path("<int:pk>/comments/", comments.comment_add, name="comment_add"),
    path("leads/", leads.lead_list, name="leads"),
    path("leads/<int:pk>/", leads.lead_detail, name="lead"),
    path("leads/<int:pk>/accept/", leads.accept, name="lead_accept"),
    path("leads/<int:pk>/decline/", leads.decline, name="lead_decline"),
]
