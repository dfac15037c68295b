"""Password hashing: argon2id with the OWASP-recommended parameters."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Verified against when an email is unknown, so that the answer takes as long
# as for a real account (no account enumeration by timing). A literal rather than
# hashed at import: hashing would cost every worker start 19 MiB of memory it keeps
# as its peak (about 10 MB measured) and some 30 ms. Its password is public; its
# parameters must be the hasher's (tests/accounts/test_passwords.py checks).
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$nptVf3G2B05bDne9P6wghQ$O/uyFXhnsxgjT8JwubG0fbkUB2BUQmXnom94kRKGiOo"

MIN_LENGTH = 10
MAX_LENGTH = 128


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
