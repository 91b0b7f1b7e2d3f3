"""The webhook pages of the admin UI (Integrations, Webhooks): the endpoints, an endpoint with
its secret and delivery log, adding and editing one, and the confirmed actions (rotate the
secret, disable, enable, send a test event, redeliver), and a delivery with its attempts.

Every page declares `integrations.manage`; endpoints and deliveries are found through the
selectors, narrowed to the member's tenant, so another tenant's answer 404.
"""

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from prm.filters import parse_id
from prm.pagination import DeferredJoinPaginator
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of
from prm.workspace.sites import tenant_admin_site
from prm.workspace.ui import Done, form_page

from . import services
from .forms import ConfirmForm, DisableForm, EndpointAddForm, EndpointForm
from .models import WebhookDelivery, WebhookEndpoint
from .selectors import attempts_of, delivery_get, delivery_log, endpoint_list_for, endpoints_for

PAGE_SIZE = 25
CAPABILITY = "integrations.manage"


def _endpoint(request: HttpRequest, pk: str) -> WebhookEndpoint:
    number = parse_id(pk)
    if number is None:
        raise Http404
    return get_object_or_404(endpoints_for(membership_of(request)), pk=number)


def _delivery(request: HttpRequest, pk: str) -> WebhookDelivery:
    delivery = delivery_get(membership_of(request), pk)
    if delivery is None:
        raise Http404
    return delivery


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    request.current_app = tenant_admin_site.name
    return TemplateResponse(
        request,
        template,
        {**tenant_admin_site.each_context(request), "title": title, **context},
    )


def _page_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return "?" + (query.urlencode() + "&" if query else "")


@requires(CAPABILITY)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    """The tenant's endpoints: URL, events, status, latest delivery, failures; 25 a page."""
    endpoints = endpoint_list_for(membership_of(request))
    page = DeferredJoinPaginator(endpoints, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        "admin/webhooks/endpoint_list.html",
        _("Webhooks"),
        page=page,
        page_query=_page_query(request),
    )


@requires(CAPABILITY)
def endpoint_add(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request)

    def create(form: EndpointAddForm) -> Done:
        endpoint = services.endpoint_create(
            actor=membership,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=form.cleaned_data["events"],
        )
        return Done(
            _("The endpoint is added. Copy its signing secret into your receiver."),
            "admin:webhook",
            [endpoint.pk],
        )

    return form_page(
        request,
        form_class=EndpointAddForm,
        on_valid=create,
        template="admin/webhooks/endpoint_form.html",
        title=_("Add a webhook endpoint"),
        opts=WebhookEndpoint._meta,
        context={"cancel_url": reverse("admin:webhooks")},
    )


@requires(CAPABILITY)
def endpoint_edit(request: HttpRequest, pk: str) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    membership = membership_of(request)
    url = reverse("admin:webhook", args=[endpoint.pk])

    def save(form: EndpointForm) -> Done:
        services.endpoint_update(
            actor=membership,
            endpoint=endpoint,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=form.cleaned_data["events"],
        )
        return Done(_("The endpoint is saved."), url)

    return form_page(
        request,
        form_class=EndpointForm,
        form_kwargs={
            "initial": {
                "url": endpoint.url,
                "description": endpoint.description,
                "events": endpoint.events,
            }
        },
        on_valid=save,
        template="admin/webhooks/endpoint_form.html",
        title=_("Edit %(url)s") % {"url": endpoint.url},
        obj=endpoint,
        context={"endpoint": endpoint, "cancel_url": url},
    )


@requires(CAPABILITY)
def endpoint_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """The endpoint: its facts and secret, its actions, and its delivery log (newest first)."""
    endpoint = _endpoint(request, pk)
    page = DeferredJoinPaginator(delivery_log(endpoint), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _page(
        request,
        "admin/webhooks/endpoint_detail.html",
        endpoint.url,
        endpoint=endpoint,
        events=endpoint.events,
        page=page,
        page_query=_page_query(request),
    )


def _confirm(
    request: HttpRequest,
    endpoint: WebhookEndpoint,
    *,
    act: Any,
    title: str,
    intro: str,
    submit: str,
    form_class: type[Any] = ConfirmForm,
    danger: bool = False,
) -> HttpResponse:
    url = reverse("admin:webhook", args=[endpoint.pk])
    return form_page(
        request,
        form_class=form_class,
        on_valid=act,
        template="admin/webhooks/confirm.html",
        title=title,
        obj=endpoint,
        context={
            "endpoint": endpoint,
            "intro": intro,
            "submit_label": submit,
            "danger": danger,
            "cancel_url": url,
        },
    )


@requires(CAPABILITY)
def endpoint_rotate(request: HttpRequest, pk: str) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    membership = membership_of(request)

    def rotate(form: ConfirmForm) -> Done:
        services.endpoint_secret_rotate(actor=membership, endpoint=endpoint)
        return Done(
            _("The secret is rotated: put the new one into your receiver."),
            "admin:webhook",
            [endpoint.pk],
        )

    return _confirm(
        request,
        endpoint,
        act=rotate,
        title=_("Rotate the secret of %(url)s") % {"url": endpoint.url},
        intro=_(
            "A new secret signs every request from now on, retries of earlier deliveries "
            "included; the current one stops verifying at once. Have the new secret ready to "
            "put into your receiver."
        ),
        submit=_("Rotate the secret"),
        danger=True,
    )


@requires(CAPABILITY)
def endpoint_disable(request: HttpRequest, pk: str) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    membership = membership_of(request)

    def disable(form: DisableForm) -> Done:
        services.endpoint_disable(
            actor=membership, endpoint=endpoint, reason=form.cleaned_data["reason"]
        )
        return Done(_("The endpoint is disabled."), "admin:webhook", [endpoint.pk])

    if not endpoint.is_active:
        intro = _("This endpoint is already disabled: there is nothing to do.")
    else:
        intro = _(
            "Nothing is sent to a disabled endpoint and no new deliveries are written for it. "
            "Deliveries already waiting are kept and go out when it is enabled again."
        )
    return _confirm(
        request,
        endpoint,
        act=disable,
        title=_("Disable %(url)s") % {"url": endpoint.url},
        intro=intro,
        submit=_("Disable"),
        form_class=DisableForm,
        danger=True,
    )


@requires(CAPABILITY)
def endpoint_enable(request: HttpRequest, pk: str) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    membership = membership_of(request)

    def enable(form: ConfirmForm) -> Done:
        services.endpoint_enable(actor=membership, endpoint=endpoint)
        return Done(
            _("The endpoint is enabled: its waiting deliveries are being sent."),
            "admin:webhook",
            [endpoint.pk],
        )

    if endpoint.is_active:
        intro = _("This endpoint is active: there is nothing to do.")
    else:
        intro = _(
            "Events are sent to it again, starting with the deliveries that waited while it was "
            "disabled. Make sure the receiver answers first, or it fails again."
        )
    return _confirm(
        request,
        endpoint,
        act=enable,
        title=_("Enable %(url)s again") % {"url": endpoint.url},
        intro=intro,
        submit=_("Enable again"),
    )


@requires(CAPABILITY)
def endpoint_ping(request: HttpRequest, pk: str) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    membership = membership_of(request)

    def ping(form: ConfirmForm) -> Done:
        delivery = services.endpoint_ping(actor=membership, endpoint=endpoint)
        return Done(
            _("A test event is queued; its delivery shows below in a moment."),
            "admin:webhook_delivery",
            [delivery.pk],
        )

    intro = _(
        "Sends a “webhooks.ping” event, signed like every delivery, to check that the receiver "
        "answers and verifies the signature."
    )
    if not endpoint.is_active:
        intro += " " + _("The endpoint is disabled: the test event waits until it is enabled.")
    return _confirm(
        request,
        endpoint,
        act=ping,
        title=_("Send a test event to %(url)s") % {"url": endpoint.url},
        intro=intro,
        submit=_("Send a test event"),
    )


@requires(CAPABILITY)
def delivery_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """A delivery: its body as sent, and every attempt with what was sent and what came back."""
    delivery = _delivery(request, pk)
    try:
        pretty = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
    except ValueError:
        pretty = delivery.body
    return _page(
        request,
        "admin/webhooks/delivery_detail.html",
        _("Delivery %(id)s") % {"id": delivery.pk},
        delivery=delivery,
        endpoint=delivery.endpoint,
        payload=pretty,
        attempts=list(attempts_of(delivery)),
    )


@requires(CAPABILITY)
def delivery_redeliver(request: HttpRequest, pk: str) -> HttpResponse:
    delivery = _delivery(request, pk)
    membership = membership_of(request)
    url = reverse("admin:webhook_delivery", args=[delivery.pk])

    def redeliver(form: ConfirmForm) -> Done:
        services.delivery_redeliver(actor=membership, delivery=delivery)
        if not delivery.endpoint.is_active:
            return Done(
                _("The delivery waits: its endpoint is disabled. Enable it to send it."), url
            )
        return Done(_("The delivery is being sent again, with the same id."), url)

    return form_page(
        request,
        form_class=ConfirmForm,
        on_valid=redeliver,
        template="admin/webhooks/confirm.html",
        title=_("Redeliver %(event)s") % {"event": delivery.event},
        obj=delivery,
        context={
            "endpoint": delivery.endpoint,
            "delivery": delivery,
            "intro": _(
                "Sends the same body, with the same delivery id, once more now, whatever "
                "happened before (a receiver keeping the ids it processed drops it if it had "
                "it already). It is signed anew with the endpoint's current secret."
            ),
            "submit_label": _("Redeliver"),
            "danger": False,
            "cancel_url": url,
        },
    )
