"""Background jobs of e-RDV: releasing holds not confirmed in time (RDV-02)."""

from __future__ import annotations

from celery import shared_task

from guichet.appointments import services


@shared_task(name="guichet.appointments.tasks.release_expired_holds", acks_late=True)
def release_expired_holds() -> int:
    """Periodic (beat ``appointments-release-expired-holds``): cancel expired holds and free
    their places; idempotent, never touches a confirmed appointment."""
    return services.release_expired_holds()
