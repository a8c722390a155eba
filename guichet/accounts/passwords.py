"""Password security levels and their rules (IAM-04, IAM-11, Annex 2 §3, Annex 4).

The holder chooses a level when setting the password; the platform recommends the
highest. Every number of the policy is in :data:`LEVEL_RULES` (the user guide
``docs/guide/identifiants.md`` repeats the table). The breached/common password list
is offline: Django's own list (about 20,000 passwords seen in breaches) plus the French
supplement shipped in ``data/french-passwords.txt`` (see ``data/README.md``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.accounts.choices import SecurityLevel

MAX_LENGTH = 128
MIN_DISTINCT_CHARACTERS = 6
PERSONAL_WORD_MIN = 4  # shorter names (« Léa ») would forbid too many passwords
SIMILARITY_LIMIT = 0.7  # as Django's UserAttributeSimilarityValidator
OBVIOUS_RUN = 5  # this many characters of a keyboard or alphabet sequence in a row
RECOVERY_CODE_COUNT = 10
FRENCH_LIST = Path(__file__).resolve().parent / "data" / "french-passwords.txt"


@dataclass(frozen=True)
class LevelRules:
    """What a level demands of the password, and how often it must be renewed."""

    level: str
    min_length: int
    min_classes: int  # among lower case, upper case, digits, other characters
    renewal_days: int
    second_factor: bool
    summary: Any  # lazy French text, shown beside the level's choice


# The whole policy, in one table.
LEVEL_RULES: dict[str, LevelRules] = {
    SecurityLevel.STANDARD: LevelRules(
        SecurityLevel.STANDARD,
        min_length=12,
        min_classes=1,
        renewal_days=365,
        second_factor=False,
        summary=gettext_lazy("au moins 12 caractères ; à renouveler tous les 365 jours."),
    ),
    SecurityLevel.STRONG: LevelRules(
        SecurityLevel.STRONG,
        min_length=14,
        min_classes=3,
        renewal_days=180,
        second_factor=False,
        summary=gettext_lazy(
            "au moins 14 caractères de 3 types parmi minuscules, majuscules, chiffres "
            "et autres caractères ; à renouveler tous les 180 jours."
        ),
    ),
    SecurityLevel.STRONG_2FA: LevelRules(
        SecurityLevel.STRONG_2FA,
        min_length=14,
        min_classes=3,
        renewal_days=180,
        second_factor=True,
        summary=gettext_lazy(
            "les règles du niveau renforcé, plus un code à usage unique (TOTP) donné à "
            "chaque connexion par une application d'authentification ; 10 codes de "
            "secours en cas de perte du téléphone."
        ),
    ),
}
RECOMMENDED_LEVEL = SecurityLevel.STRONG_2FA
# A person created before levels existed (demo, console) is held to the standard level.
DEFAULT_LEVEL = SecurityLevel.STANDARD

_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
)
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def rules_for(level: str | None) -> LevelRules:
    """The rules of ``level`` (the default level when none was chosen)."""
    return LEVEL_RULES.get(level or DEFAULT_LEVEL, LEVEL_RULES[DEFAULT_LEVEL])


def _fold(text: str) -> str:
    """Lower case without accents, so that « Été » and « ete » compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The offline list: Django's breached-password list and the French supplement."""
    words = set(CommonPasswordValidator().passwords)  # Django's common-passwords.txt.gz
    for line in FRENCH_LIST.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(_fold(line))
    words.discard("")
    return frozenset(words)


def _cores(password: str) -> set[str]:
    """The password as an attacker's dictionary rules would reduce it.

    Lower case without accents, then with the usual substitutions undone (4 → a, 0 → o…),
    each with the digits and symbols around it removed: « Azerty2026! » gives « azerty ».
    """
    folded = _fold(password)
    variants = {folded, folded.translate(_LEET)}
    cores = set(variants)
    for variant in variants:
        core = _EDGES.sub("", variant)
        cores.update({core, re.sub(r"[\W_]+", "", core)})
    return {core for core in cores if core}


def is_common(password: str) -> bool:
    """Whether the password, or what is left once decorated, is in the offline list."""
    listed = common_passwords()
    if _fold(password) in listed:
        return True
    for core in _cores(password):
        if core in listed:
            return True
        # A listed word repeated (« soleilsoleil ») is no better than the word.
        for size in range(1, len(core) // 2 + 1):
            unit = core[:size]
            if len(core) % size == 0 and unit * (len(core) // size) == core:
                if size <= 3 or unit in listed:
                    return True
                break
    return False


def _has_obvious_run(password: str) -> bool:
    folded = _fold(password)
    for sequence in _SEQUENCES:
        for source in (sequence, sequence[::-1]):
            for start in range(len(source) - OBVIOUS_RUN + 1):
                if source[start : start + OBVIOUS_RUN] in folded:
                    return True
    return False


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters the password uses."""
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def _personal_words(user: Any) -> list[str]:
    """Login, names and email local part, and their words of 4 letters or more."""
    values = [
        getattr(user, "username", "") or "",
        getattr(user, "first_name", "") or "",
        getattr(user, "last_name", "") or "",
        (getattr(user, "email", "") or "").split("@")[0],
    ]
    words: list[str] = []
    for value in values:
        folded = _fold(value)
        squeezed = re.sub(r"[\W_]+", "", folded)
        if len(squeezed) >= PERSONAL_WORD_MIN:
            words.append(squeezed)
        words.extend(p for p in re.split(r"[\W\d_]+", folded) if len(p) >= PERSONAL_WORD_MIN)
    return list(dict.fromkeys(words))


def _looks_personal(password: str, user: Any) -> bool:
    folded = _fold(password)
    squeezed = re.sub(r"[\W_]+", "", folded)
    unleet = re.sub(r"[\W_]+", "", folded.translate(_LEET))
    for word in _personal_words(user):
        if word in squeezed or word in unleet:
            return True
        if SequenceMatcher(a=squeezed, b=word).ratio() >= SIMILARITY_LIMIT:
            return True
    return False


def password_problems(password: str, level: str | None, user: Any = None) -> list[str]:
    """Every rule of ``level`` that ``password`` breaks, as French sentences (empty: accepted)."""
    rules = rules_for(level)
    problems: list[str] = []
    if len(password) < rules.min_length:
        problems.append(
            _("Il doit compter au moins %(n)d caractères (il en a %(count)d).")
            % {"n": rules.min_length, "count": len(password)}
        )
    if len(password) > MAX_LENGTH:
        problems.append(_("Il doit compter au plus %(n)d caractères.") % {"n": MAX_LENGTH})
    if character_classes(password) < rules.min_classes:
        problems.append(
            _(
                "Il doit mélanger au moins %(n)d types de caractères parmi minuscules, "
                "majuscules, chiffres et autres caractères."
            )
            % {"n": rules.min_classes}
        )
    if password.isdigit():
        problems.append(_("Il ne doit pas être composé uniquement de chiffres."))
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        problems.append(
            _("Il doit comporter au moins %(n)d caractères différents.")
            % {"n": MIN_DISTINCT_CHARACTERS}
        )
    if is_common(password):
        problems.append(
            _(
                "Il figure, même décoré de chiffres ou de symboles, dans la liste des mots "
                "de passe courants ou divulgués lors de fuites de données."
            )
        )
    elif _has_obvious_run(password):
        problems.append(_("Il contient une suite évidente (« 12345 », « abcde », « azert »…)."))
    if user is not None and _looks_personal(password, user):
        problems.append(
            _("Il ne doit pas reprendre votre identifiant, votre nom ou votre adresse courriel.")
        )
    return problems


def validate_password_for_level(password: str, level: str | None, user: Any = None) -> None:
    """Raise a ``ValidationError`` listing every broken rule of ``level``."""
    problems = password_problems(password, level, user)
    if problems:
        raise ValidationError(problems, code="password_policy")


class LevelPasswordValidator:
    """The policy as a Django password validator (for ``AUTH_PASSWORD_VALIDATORS``)."""

    def __init__(self, level: str = DEFAULT_LEVEL) -> None:
        self.level = level

    def validate(self, password: str, user: Any = None) -> None:
        validate_password_for_level(
            password, getattr(user, "security_level", "") or self.level, user
        )

    def get_help_text(self) -> str:
        return str(rules_for(self.level).summary)


# -- renewal (IAM-11) ----------------------------------------------------------------


def password_expires_at(user: Any) -> datetime | None:
    """When the person's password must have been renewed; None without a usable password."""
    if not user.has_usable_password():
        return None
    changed = user.password_changed_at or user.date_joined
    return changed + timedelta(days=rules_for(user.security_level).renewal_days)


def password_expired(user: Any, now: datetime | None = None) -> bool:
    """Whether the renewal period of the person's level has run out."""
    expires = password_expires_at(user)
    return expires is not None and (now or timezone.now()) >= expires


def requires_second_factor(user: Any) -> bool:
    """Whether the person's level demands a TOTP code at every login."""
    return getattr(user, "security_level", "") == SecurityLevel.STRONG_2FA
