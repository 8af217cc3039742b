"""Argon2id with OWASP's parameters (m=19 MiB, t=2, p=1).

Django's default (100 MiB) lets 50 parallel logins take 5 GiB; OWASP's minimum is as strong per
guess for the attacker's cost model and keeps a login server inside its memory.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idOwaspHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # same prefix: hashes stay readable by Django's own hasher
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
