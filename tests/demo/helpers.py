"""What the demo tests share."""

from impactnet.accounts.models import User
from impactnet.audit.models import AuditEvent
from impactnet.organisations.models import Organisation
from impactnet.regions.models import Municipality, Target
from tests.helpers import count

ACCOUNTS = [
    ("partner", "partner@demo.impactnet.example"),
    ("staff", "staff@demo.impactnet.example"),
    ("municipality", "dordrecht@demo.impactnet.example"),
    ("admin", "admin@demo.impactnet.example"),
]


def tally() -> tuple[int, int, int, int, int]:
    return count(Organisation), count(User), count(AuditEvent), count(Municipality), count(Target)
