"""Child process of the concurrency test: ``threads`` threads reserve the same slot at the
same instant, each on its own database connection; prints one JSON outcome per thread.

    python -m tests.appointments.race USER_ID PTO SLOT_ID THREADS START_AT
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any


def main(argv: list[str]) -> None:
    user_id, pto, slot, threads, start_at = (
        int(argv[0]),
        argv[1],
        argv[2],
        int(argv[3]),
        float(argv[4]),
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connections

    from guichet.accounts.models import User
    from guichet.addresses.selectors import PlaceQuery
    from guichet.appointments import services
    from guichet.appointments.choices import InterventionType
    from guichet.core.context import Channel, principal_for_user
    from guichet.core.errors import GuichetError

    actor = principal_for_user(
        User.objects.get(pk=user_id), channel=Channel.REST, ip="192.0.2.9", request_id="race"
    )
    connections.close_all()
    outcomes: list[dict[str, Any]] = []
    lock = threading.Lock()

    def one() -> None:
        connections["default"].ensure_connection()
        time.sleep(max(0.0, start_at - time.time()))
        try:
            appointment = services.reserve(
                actor=actor,
                query=PlaceQuery(pto=pto),
                intervention_type=InterventionType.FTTH_CONNECTION,
                slot_id=slot,
            )
            outcome: dict[str, Any] = {"ok": appointment.id_rdv}
        except GuichetError as exc:
            outcome = {"code": exc.code, "message": exc.message("fr")}
        except Exception as exc:  # anything else is a failure of the test
            outcome = {"crash": f"{type(exc).__name__}: {exc}"}
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(outcomes))


if __name__ == "__main__":
    main(sys.argv[1:])
