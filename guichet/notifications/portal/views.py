"""Journal des envois: every email of the outbox with its delivery status; failed ones resent."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.views import ProviderRequiredMixin
from guichet.notifications.choices import DeliveryStatus
from guichet.notifications.models import OutboundEmail
from guichet.notifications.selectors import emails_for
from guichet.notifications.services import retry_failed

PAGE_SIZE = 50
# Links in emails may be single-use secrets (password initialisation, IAM-03): staff reading
# the log must not be able to use them, so every link is masked in the displayed text.
_LINK = re.compile(r"https?://\S+")


def _email(principal: Any, pk: int) -> OutboundEmail:
    email = emails_for(principal).select_related("operator").filter(pk=pk).first()
    if email is None:
        raise GuichetError(NOT_FOUND)
    return email


class EmailListView(ProviderRequiredMixin, TemplateView):
    """``back-office/courriels/``: newest first, by status, searched by recipient or subject."""

    template_name = "notifications/email_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("statut", "")
        search = self.request.GET.get("q", "").strip()[:100]
        emails = emails_for(self.principal).select_related("operator").order_by("-id")
        if status in DeliveryStatus.values:
            emails = emails.filter(status=status)
        if search:
            emails = emails.filter(Q(subject__icontains=search) | Q(recipients__icontains=search))
        page = Paginator(emails, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page_obj=page,
            page_links=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            page_query=query.urlencode(),
            status=status if status in DeliveryStatus.values else "",
            statuses=DeliveryStatus.choices,
            search=search,
            failed_count=emails_for(self.principal).filter(status=DeliveryStatus.FAILED).count(),
        )
        return context


class EmailDetailView(ProviderRequiredMixin, TemplateView):
    template_name = "notifications/email_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        email = _email(self.principal, kwargs["pk"])
        context.update(
            email=email,
            body=_LINK.sub(_("[lien masqué]"), email.body),
            may_retry=email.status == DeliveryStatus.FAILED,
        )
        return context


class EmailRetryView(ProviderRequiredMixin, View):
    """POST: a failed email goes back to the queue (``retry_failed``, journaled)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        email = _email(self.principal, pk)
        retry_failed(actor=self.principal, email=email)
        messages.success(request, _("Le courriel est remis en file d'envoi."))
        return redirect("notifications:email-detail", pk=email.pk)
