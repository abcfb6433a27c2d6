"""The platform's signing key: Ed25519, from the PEM file named by ``QIHUB_SIGNING_KEY_FILE``.

Why Ed25519 and not SM2: the commercial-cryptography SM2 would suit a Chinese public service,
but no C-backed SM2 implementation is pinned in this project yet (``cryptography`` has none;
pure-Python ``gmssl`` draws nonces from a non-cryptographic RNG, see the stack notes), while
``cryptography``'s Ed25519 is vetted, deterministic (no nonce to get wrong) and verifiable with
any standard library. Moving to SM2 later changes this module and the published key only: the
``key_id`` in every answer says which key signed it.

Without a key file, development and tests derive a deterministic key from ``SECRET_KEY`` (and
log a warning); anywhere else that is refused, so production never signs with a guessable key.
``qihub certification keygen PATH`` writes a new key file readable by its owner only.

The parsed key is kept per process, keyed by the file's path and modification time: every
answer is signed without reading or parsing the file again (one ``stat`` per call), and a key
replaced at the same path is picked up on the next call, without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

ALGORITHM = "Ed25519"
_DERIVATION_LABEL = b"qihub certificate signing key v1:"


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    key_id: str
    public_pem: str

    def sign(self, message: bytes) -> str:
        """The base64url (unpadded) Ed25519 signature of ``message``."""
        return b64url(self.private_key.sign(message))

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Raises ValueError for text that is not unpadded base64url."""
    if not text or any(c not in _B64URL for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem_of(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _signing_key(private_key: Ed25519PrivateKey) -> SigningKey:
    public_key = private_key.public_key()
    return SigningKey(private_key, key_id_of(public_key), public_pem_of(public_key))


@lru_cache(maxsize=4)
def _from_file(path: str, modified_ns: int) -> SigningKey:
    """The key in ``path`` as it was at ``modified_ns`` (the cache key: a new file is read)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(
            f"QIHUB_SIGNING_KEY_FILE {path}: cannot read ({error.strerror})"
        ) from error
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            f"QIHUB_SIGNING_KEY_FILE {path}: not a PEM private key"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"QIHUB_SIGNING_KEY_FILE {path}: not an Ed25519 key")
    return _signing_key(key)


@lru_cache(maxsize=4)
def _derived(secret: str) -> SigningKey:
    logger.warning(
        "QIHUB_SIGNING_KEY_FILE is not set: certificate answers are signed with a development "
        "key derived from SECRET_KEY. Run `qihub certification keygen PATH` for production."
    )
    seed = hashlib.sha256(_DERIVATION_LABEL + secret.encode("utf-8")).digest()
    return _signing_key(Ed25519PrivateKey.from_private_bytes(seed))


def _development_allowed() -> bool:
    """A key derived from SECRET_KEY is for development and tests only: DEBUG, or the test
    settings' explicit ``QIHUB_ALLOW_DERIVED_SIGNING_KEY``."""
    return bool(settings.DEBUG) or bool(getattr(settings, "QIHUB_ALLOW_DERIVED_SIGNING_KEY", False))


def signing_key() -> SigningKey:
    """The key that signs answers now. Raises ImproperlyConfigured when no key file is set
    outside development and tests, or when the file is not an Ed25519 PEM private key."""
    path = str(getattr(settings, "QIHUB_SIGNING_KEY_FILE", "") or "")
    if path:
        try:
            modified_ns = os.stat(path).st_mtime_ns
        except OSError as error:
            raise ImproperlyConfigured(
                f"QIHUB_SIGNING_KEY_FILE {path}: cannot read ({error.strerror})"
            ) from error
        return _from_file(path, modified_ns)
    if not _development_allowed():
        raise ImproperlyConfigured(
            "QIHUB_SIGNING_KEY_FILE must be set when QIHUB_DEBUG is off "
            "(create one with `qihub certification keygen PATH`)."
        )
    return _derived(str(settings.SECRET_KEY))


def generate_key_file(path: Path) -> SigningKey:
    """Write a new Ed25519 private key as PEM (PKCS#8) to ``path``, mode 0600, refusing to
    overwrite an existing file. Raises FileExistsError or OSError."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: never clobber a key already in use; 0o600 from the start, not chmod afterwards.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return _signing_key(key)


def verify(public_key: Ed25519PublicKey, signature: str, message: bytes) -> bool:
    """Whether ``signature`` (base64url) is ``public_key``'s signature of ``message``."""
    try:
        public_key.verify(b64url_decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True
