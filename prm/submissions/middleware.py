"""Claims each POST's one-time token around the view (see the package's docstring)."""

from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from .models import Submission
from .tokens import submission_key, token_of

#: the responses that end a submission: the view did its work and sends the browser on
DONE = (301, 302, 303)


class OneSubmissionMiddleware:
    """Run a POST carrying a one-time token at most once; a replay goes where the first went.

    Placed after the authentication and message middlewares (the key names the user; a replay
    leaves a message). The view of a POST with a token runs inside a transaction that holds the
    claim, like `ATOMIC_REQUESTS` for that one request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = token_of(request)
        if token is None:
            return self.get_response(request)
        key = submission_key(request, token)
        with transaction.atomic():
            try:
                # Waits here while a twin request holding the same key is still running.
                with transaction.atomic():
                    Submission.objects.create(key=key)
            except IntegrityError:
                pass
            else:
                response = self.get_response(request)
                if response.status_code >= 500:
                    # The view failed (its exception is already a response): keep nothing of
                    # it, the claim included.
                    transaction.set_rollback(True)
                    return response
                claim = Submission.objects.filter(key=key)
                if response.status_code in DONE and response.get("Location"):
                    claim.update(redirect_to=response["Location"])
                else:
                    claim.delete()  # the form came back: once corrected, it may be sent again
                return response
        first = Submission.objects.filter(key=key).values_list("redirect_to", flat=True).first()
        if not first:  # no trace of where the first went (pruned): handle it as a new one
            return self.get_response(request)
        messages.info(
            request, _("This form was sent twice; it was handled once."), fail_silently=True
        )
        return HttpResponseRedirect(first)
