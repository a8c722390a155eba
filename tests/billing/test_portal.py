"""The billing pages: the operator's invoices and ledger, the Provider's back-office (BIL-01..03,
CTR-12, CTR-13), in French, scoped, never a 500."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.utils import timezone

from guichet.billing import services
from guichet.billing.models import CreditNote, Invoice, LiabilityClaim, Price
from guichet.operators.models import Operator
from tests.accounts.people_support import give_profile
from tests.billing.conftest import PROVIDER, subscribe

pytestmark = pytest.mark.django_db

JUNE = date(2025, 6, 1)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def issued_a(operator_a: Operator, rdv_prices: None) -> Invoice:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 6, 17))
    invoice = services.generate_invoice(
        actor=PROVIDER, operator=operator_a, period=JUNE, issue=True
    )
    assert invoice is not None
    return invoice


def test_bil_02_operator_admin_lists_opens_and_downloads(issued_a: Invoice, admin_a) -> None:
    client = client_for(admin_a)
    page = client.get("/administration/factures/")
    assert page.status_code == 200
    html = page.content.decode()
    assert issued_a.number in html and "768,00" in html and "juin 2025" in html
    detail = client.get(f"/administration/factures/{issued_a.pk}/").content.decode()
    assert "prorata 14/30 jours" in detail and "Télécharger le PDF" in detail
    pdf = client.get(f"/administration/factures/{issued_a.pk}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = client.get("/administration/factures/?format=csv")
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Numéro;Mois facturé")
    assert f"{issued_a.number};06/2025;" in body and ";768,00" in body


def test_bil_02_operator_pages_scoped_and_guarded(issued_a: Invoice, admin_b, reader_a) -> None:
    other = client_for(admin_b)
    assert issued_a.number not in other.get("/administration/factures/").content.decode()
    missing = other.get(f"/administration/factures/{issued_a.pk}/pdf")
    assert missing.status_code == 404 and "GEN-404" in missing.content.decode()
    reader = client_for(reader_a)
    refused = reader.get("/administration/factures/")
    assert refused.status_code == 403 and "BIL-027" in refused.content.decode()
    give_profile(reader_a, "Comptabilité", ["invoices:read"])
    assert client_for(reader_a).get(f"/administration/factures/{issued_a.pk}/").status_code == 200
    # The back-office is the Provider's.
    assert client_for(reader_a).get("/back-office/facturation/").status_code == 403


def test_ctr_12_back_office_price_form(operator_a: Operator, provider_staff, rdv_prices) -> None:
    client = client_for(provider_staff)
    assert client.get("/back-office/facturation/tarifs/").status_code == 200
    today = timezone.localdate()
    form = {
        "service": "e-rdv",
        "kind": "monthly",
        "amount": "330",
        "effective_from": (today + relativedelta(months=2)).isoformat(),
    }
    refused = client.post("/back-office/facturation/tarifs/", form)
    assert refused.status_code == 422
    assert "CTR-121" in refused.content.decode() and "3 mois" in refused.content.decode()
    form["effective_from"] = (today + relativedelta(months=3)).isoformat()
    done = client.post("/back-office/facturation/tarifs/", form, follow=True)
    assert "Prix programmé" in done.content.decode()
    scheduled = Price.objects.get(amount=330)
    page = client.get("/back-office/facturation/tarifs/").content.decode()
    assert "330,00" in page
    client.post(f"/back-office/facturation/tarifs/{scheduled.pk}/annuler")
    assert not Price.objects.filter(pk=scheduled.pk).exists()
    prices = client.get("/back-office/facturation/tarifs/?q=rdv&tri=-effective&format=csv")
    rows = b"".join(prices.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("E-service;Code;Nature") and len(rows) == 4
    assert ";e-rdv;Abonnement mensuel;;300,0000;01/01/2025;" in rows[1] + rows[2] + rows[3]
    bad = client.post("/back-office/facturation/tarifs/", {**form, "amount": "abc"})
    assert bad.status_code == 422 and "BIL-002" in bad.content.decode()


def test_bil_02_back_office_generate_issue_credit_and_export(
    operator_a: Operator, provider_staff, rdv_prices
) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 1, 1))
    client = client_for(provider_staff)
    wrong = client.post("/back-office/facturation/generer", {"month": "2999-01"})
    assert wrong.status_code == 422 and "BIL-020" in wrong.content.decode()
    client.post("/back-office/facturation/generer", {"month": "2025-06"})
    draft = Invoice.objects.get(operator=operator_a, period=JUNE)
    listing = client.get("/back-office/facturation/?mois=2025-06&statut=draft&tri=operator")
    assert "Brouillon" in listing.content.decode()
    client.post(f"/back-office/facturation/factures/{draft.pk}/emettre")
    draft.refresh_from_db()
    assert draft.number and draft.is_issued
    no_reason = client.post(f"/back-office/facturation/factures/{draft.pk}/avoir", {"reason": ""})
    assert no_reason.status_code == 422 and "BIL-025" in no_reason.content.decode()
    client.post(
        f"/back-office/facturation/factures/{draft.pk}/avoir",
        {"reason": "Geste commercial", "amount_ht": "50,00"},
    )
    note = CreditNote.objects.get(invoice=draft)
    assert note.total_ttc == 60
    today = timezone.localdate().isoformat()
    export = client.get(f"/back-office/facturation/export-comptable?du={today}&au={today}")
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0] == "Date;Numéro;Type;Opérateur;SIREN;Service;Libellé;Montant HT;TVA;Montant TTC"
    assert len(rows) == 3
    assert (
        f";{draft.number};Facture;{operator_a.name};{operator_a.siren};e-RDV Grand Public;"
        in rows[1]
    )
    assert rows[1].endswith(";300,00;60,00;360,00")
    assert rows[2].endswith(";-50,00;-10,00;-60,00")
    assert client.get("/back-office/facturation/export-comptable").status_code == 200
    assert client.get("/back-office/facturation/export-comptable?du=x&au=y").status_code == 400


def test_ctr_13_ledger_pages(operator_a: Operator, provider_staff, admin_a, admin_b) -> None:
    client = client_for(provider_staff)
    form = {
        "operator": operator_a.pk,
        "liable_party": "provider",
        "incident_reference": "INC-2025-01",
        "incident_date": "2025-03-10",
        "amount_claimed": "80000",
        "amount_retained": "80000",
        "description": "Indisponibilité e-RDV",
    }
    done = client.post("/back-office/facturation/responsabilite/", form, follow=True)
    assert "après plafonnement" in done.content.decode()
    pending = client.post(
        "/back-office/facturation/responsabilite/",
        {**form, "incident_reference": "INC-2025-02", "amount_retained": ""},
    )
    assert pending.status_code == 302
    claim = LiabilityClaim.objects.get(incident_reference="INC-2025-02")
    client.post(
        f"/back-office/facturation/responsabilite/{claim.pk}/arreter", {"amount_retained": "10000"}
    )
    page = client.get("/back-office/facturation/responsabilite/?annee=2025").content.decode()
    assert "90\u202f000,00" in page  # 150,000 − 50,000 − 10,000 remain for the year
    mine = client_for(admin_a).get("/administration/responsabilite/?annee=2025").content.decode()
    assert "INC-2025-01" in mine and "Enregistrer une réclamation" not in mine
    assert (
        "INC-2025-01"
        not in client_for(admin_b)
        .get("/administration/responsabilite/?annee=2025")
        .content.decode()
    )
    export = client.get("/back-office/facturation/responsabilite/?tri=-claimed&format=csv")
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Incident;Date de l'incident;Opérateur")
    first = next(row for row in rows if row.startswith("INC-2025-01;"))
    assert first.startswith("INC-2025-01;10/03/2025;Opérateur A;")
    assert ";Fournisseur;80000,00;80000,00;50000,00;" in first and len(rows) == 3
    own = b"".join(
        client_for(admin_b).get("/administration/responsabilite/?format=csv").streaming_content
    )
    assert b"INC-2025" not in own
    bad = client.post("/back-office/facturation/responsabilite/", {**form, "amount_claimed": "-5"})
    assert bad.status_code == 422 and "CTR-131" in bad.content.decode()
