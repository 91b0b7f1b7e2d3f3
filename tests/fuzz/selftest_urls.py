"""Pages with the bugs the fuzzer exists to find, for its own test (`test_fuzzer.py`)."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import path

from prm.audit.services import audit_record
from prm.filters import parse_id


def _written(request: HttpRequest) -> None:
    audit_record(tenant=request.tenant, actor=None, action="test.fuzz")  # type: ignore[attr-defined]


def parses_badly(request: HttpRequest) -> HttpResponse:
    """Reads an id the way issue 12 found it read: `'²'.isdigit()` is true, `int('²')` raises."""
    number = request.GET.get("deal", "")
    return HttpResponse(str(int(number)) if number.isdigit() else "none")


def parses_well(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(parse_id(request.GET.get("deal", ""))))


def writes_then_refuses(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _written(request)
        return HttpResponse("refused", status=400)
    return HttpResponse("<form method='post'><input name='x' value='1'></form>")


_FORM_PAGE = Template("<form method='post'>{{ form }}<button name='save'>Save</button></form>")


class _AmountForm(forms.Form):
    amount = forms.IntegerField(max_value=100)


def saves_before_validating(request: HttpRequest) -> HttpResponse:
    form = _AmountForm(request.POST or None)
    if request.method == "POST":
        _written(request)  # half-saved: written before the form is checked
        if form.is_valid():
            return HttpResponse("saved")
    return HttpResponse(_FORM_PAGE.render(Context({"form": form})))


urlpatterns = [
    path("parses-badly/", parses_badly),
    path("parses-well/", parses_well),
    path("writes-then-refuses/", writes_then_refuses),
    path("saves-before-validating/", saves_before_validating),
]
