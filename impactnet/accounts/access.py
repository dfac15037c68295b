"""Who may use which route: one declaration per view, ``@access(...)``, enforced here and read by
the access-matrix test (``tests/test_access_matrix.py``), which tries every route as every role.

A :class:`Policy` names the roles that pass the route's check (signed out: to the login page; signed
in with another role: 403) and whether the route is only for the user's *own* organisation,
municipality or token. That second half is checked where the object is looked up (the services'
``visible_organisation`` and the like): for anyone else's object the view answers 404, so that
another organisation's ids reveal nothing; St MBO may use any. On an organisation's routes a role
that may not use them is told 404 as well (a municipality viewer learns no more than another
organisation's partner); St MBO, who see every organisation, are told 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, request
from flask_login import current_user

from impactnet.accounts.models import Role

STAFF_ROLES = (Role.STAFF, Role.ADMIN)


@dataclass(frozen=True)
class Policy:
    """``roles``: who passes the route's check (None: everyone, signed in or not). ``own``: the
    route addresses an organisation, municipality or token, and only its own users (and St MBO)
    reach it; the lookup answers 404 to the others. ``token``: a JSON route that also takes a
    personal API token; the view authenticates the token or the session itself and applies this
    policy (signed out: a 401 in JSON, never the login page)."""

    roles: frozenset[Role] | None
    own: str | None = None  # what the route addresses that must be the user's: ORGANISATION, MUNICIPALITY, TOKEN
    token: bool = False

    def admits(self, role: Role | None, *, owner: bool = True) -> bool:
        """Whether someone of ``role`` (None: signed out) gets in, ``owner``: of the addressed object."""
        if self.roles is None:
            return True
        if role is None or role not in self.roles:
            return False
        return owner or self.own is None or role in STAFF_ROLES

    def refusal(self, role: Role) -> int:
        """The status for a signed-in ``role`` the route does not admit."""
        return 404 if self.own == ORGANISATION and role not in STAFF_ROLES else 403


ORGANISATION, MUNICIPALITY, TOKEN = "organisation", "municipality", "token"


def policy(*roles: Role, own: str | None = None, token: bool = False) -> Policy:
    return Policy(frozenset(roles), own, token)


EVERYONE = Policy(None)
SIGNED_IN = policy(*Role)
STAFF = policy(*STAFF_ROLES)
ADMIN = policy(Role.ADMIN)
OWN_PARTNER = policy(Role.PARTNER, own=ORGANISATION)
OWN_PARTNER_OR_STAFF = policy(Role.PARTNER, *STAFF_ROLES, own=ORGANISATION)
OWN_MUNICIPALITY_OR_STAFF = policy(Role.MUNICIPALITY, *STAFF_ROLES, own=MUNICIPALITY)


def access(everyone: Policy | None = None, /, **per_method: Policy) -> Callable[[Callable[..., Any]], Any]:
    """Declare and enforce who may use a view: one policy for every method, or one per method
    (``access(GET=OWN_PARTNER_OR_STAFF, POST=OWN_PARTNER)``). The declaration stays on the view
    as ``view.access`` (method -> policy; ``"*"``: every method)."""
    declared = {"*": everyone} if everyone is not None else dict(per_method)
    if not declared or (everyone is not None and per_method):
        raise TypeError("access() takes one policy, or one per method")

    def decorator(view: Callable[..., Any]) -> Any:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            rule = policy_for(checked, "GET" if request.method == "HEAD" else request.method)
            if rule is None:
                abort(405)
            if rule.roles is not None and not rule.token:
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()  # as login_required: the login page
                if current_user.role not in rule.roles:
                    abort(rule.refusal(current_user.role))
            return view(*args, **kwargs)

        checked.access = declared  # type: ignore[attr-defined]
        return checked

    return decorator


def policy_for(view: Callable[..., Any], method: str) -> Policy | None:
    """The policy a view declared for ``method`` (None: it declared none)."""
    declared = getattr(view, "access", None)
    if declared is None:
        return None
    return declared.get(method) or declared.get("*")
