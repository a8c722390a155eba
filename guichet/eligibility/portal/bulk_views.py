"""« Éligibilité en masse » in the portal (``/eligibilite/en-masse/``, ELI-03): upload a file,
follow my operator's jobs (progress bar and ETA, refreshed by htmx), download the result.
The same services and selectors as the REST door."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.eligibility.bulk import engine, selectors, services
from guichet.eligibility.bulk.choices import JobStatus
from guichet.eligibility.bulk.services import MAX_ROWS
from guichet.eligibility.choices import Offer
from guichet.eligibility.portal.views import EligibilityAccess
from guichet.eligibility.services import check_access

PAGE = "eligibility/bulk.html"
JOBS = "eligibility/bulk_jobs.html"
SHOWN = 20


class BulkForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Séparateur ; ou , — UTF-8 ou Windows-1252 — une ligne d'en-tête, par exemple "
            "reference;pto ou reference;hexacle ou reference;adresse."
        ),
    )
    offers = forms.MultipleChoiceField(
        label=_("Offres à qualifier"),
        choices=Offer.choices,
        initial=list(Offer.values),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _rows(principal: Principal) -> list[dict[str, Any]]:
    rows = []
    for job in selectors.jobs_for(principal)[:SHOWN]:
        total = job.rows_total or 0
        rows.append(
            {
                "job": job,
                "percent": round(100 * job.rows_done / total) if total else 0,
                "eta": engine.eta(job),
                "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
            }
        )
    return rows


def _context(principal: Principal) -> dict[str, Any]:
    rows = _rows(principal)
    return {
        "rows": rows,
        "refresh": any(row["running"] for row in rows),
        "retention_days": selectors.retention_days(),
    }


def _page(
    request: HttpRequest, principal: Principal, form: BulkForm, status: int = 200
) -> HttpResponse:
    refusal = None
    try:
        check_access(principal)
    except GuichetError as exc:
        refusal = exc
    context = {"form": form, "refusal": refusal, "max_rows": MAX_ROWS}
    if refusal is None:
        context |= _context(principal)
    return render(request, PAGE, context, status=refusal.status if refusal else status)


class BulkView(EligibilityAccess, View):
    """The page (GET) and an upload (POST → back to the page, the new job on top)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _page(request, self.principal, BulkForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = BulkForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, self.principal, form, status=400)
        upload = form.cleaned_data["file"]
        try:
            job = services.submit_eligibility_job(
                actor=self.principal,
                upload=upload,
                name=upload.name or "",
                offers=form.cleaned_data["offers"] or None,
            )
        except GuichetError as exc:
            form.add_error("file", f"{exc.message()} ({exc.code})")
            return _page(request, self.principal, form, status=exc.status)
        messages.success(
            request,
            _("Fichier « %(name)s » reçu : %(rows)s lignes à traiter.")
            % {"name": job.source_name, "rows": job.rows_total},
        )
        return redirect("eligibility-bulk:page")


class BulkJobsView(EligibilityAccess, View):
    """The jobs table alone: what htmx reloads every few seconds while a job runs."""

    def get(self, request: HttpRequest) -> HttpResponse:
        check_access(self.principal)
        return render(request, JOBS, _context(self.principal))


class BulkResultView(EligibilityAccess, View):
    """The result CSV of one of my operator's finished jobs (404 for another operator's)."""

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        check_access(self.principal)
        job = selectors.job_for(self.principal, pk)
        path = selectors.result_file(self.principal, job)
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"eligibilite-{job.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )
