"""What every network test shares: a private cache.

Import progress lives in the cache. The default cache is a folder under ``var/`` shared
with every other run on the machine (and job numbers restart with each test database):
here each test gets an empty in-memory cache, visible to the live server's thread too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

PRIVATE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "guichet-network-tests",
    }
}


@pytest.fixture(autouse=True)
def _private_cache(settings: Any) -> None:
    settings.CACHES = PRIVATE_CACHE
    cache.clear()
