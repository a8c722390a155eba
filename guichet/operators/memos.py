"""The memo of who may call what (credentials, people, subscriptions, contracts): see core.memo.

Dropped whenever an operator, its subscriptions, its wholesale contracts or the e-service
catalogue change (watched here) or a credential, a person or a profile (watched by the
accounts app).
"""

from __future__ import annotations

from guichet.core.memo import Memo

ACCESS = Memo("access")
