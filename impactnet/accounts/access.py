"""Access checks used by every view.

Route-level: :func:`roles_required`. Object-level checks live in the services
(``visible_organisation`` etc.); a view turns their ``None`` into a 404 so that
another organisation's ids reveal nothing.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from impactnet.accounts.models import Role

STAFF_ROLES = (Role.STAFF, Role.ADMIN)


def roles_required(*roles: Role):
    """Signed in (else to the login page) and one of ``roles`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(*STAFF_ROLES)
admin_required = roles_required(Role.ADMIN)
