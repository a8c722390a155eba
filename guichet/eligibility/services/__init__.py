"""Every eligibility write: qualifications (any door) and the Provider's rules."""

from guichet.eligibility.services.qualification import (
    address_json,
    check_access,
    clean_offers,
    qualify,
)
from guichet.eligibility.services.rules import (
    change_freeze_end,
    create_exclusion_zone,
    create_freeze,
    delete_exclusion_zone,
    delete_freeze,
)

__all__ = [
    "address_json",
    "change_freeze_end",
    "check_access",
    "clean_offers",
    "create_exclusion_zone",
    "create_freeze",
    "delete_exclusion_zone",
    "delete_freeze",
    "qualify",
]
