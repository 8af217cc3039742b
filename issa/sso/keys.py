"""The RSA key that signs ISSA's OpenID Connect id_tokens (RS256, AUTH-14, ADR 0005).

Imported by settings, so it must not touch Django models. Production passes the PEM in the
environment (``OIDC_RSA_PRIVATE_KEY``); the embedded mode generates one key on first start and
keeps it in ``var/oidc.key`` (mode 0600, never committed: ``var/`` is ignored by git) so that
id_tokens stay verifiable across restarts.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

KEY_FILE_NAME = "oidc.key"


def _generate_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def oidc_rsa_private_key(*, var_dir: Path, environ: dict[str, str] | os._Environ[str], generate: bool) -> str:
    """The PEM of the signing key: from ``OIDC_RSA_PRIVATE_KEY``, else ``var/oidc.key``.

    When the file is missing and ``generate`` is true (not production), a new key is written
    atomically: two processes starting at once (web server and worker) end up with one key,
    because the file appears through ``os.link``, which fails when the name already exists.
    """
    from_env = environ.get("OIDC_RSA_PRIVATE_KEY", "").strip()
    if from_env:
        return from_env.replace("\\n", "\n") + "\n"
    path = Path(var_dir) / KEY_FILE_NAME
    if not path.exists():
        if not generate:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("Production needs OIDC_RSA_PRIVATE_KEY (a PEM RSA private key).")
        temp = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, _generate_pem())
        finally:
            os.close(fd)
        try:
            with contextlib.suppress(FileExistsError):
                os.link(temp, path)  # another process won the race: keep its key
        finally:
            temp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii")
