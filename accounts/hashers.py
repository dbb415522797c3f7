"""Password hashing: Argon2id at the parameters OWASP recommends.

OWASP's Password Storage Cheat Sheet puts Argon2id first, with "a minimum configuration of
19 MiB of memory, an iteration count of 2, and 1 degree of parallelism". Memory-hard hashing
costs an attacker with GPUs far more than PBKDF2, and costs this server about 20 ms of CPU
per sign-in instead of the 0.25 s of Django's PBKDF2 default (1,000,000 rounds of SHA-256):
when a subdistrict's 50 staff sign in at the start of a training day on a 2-core server, that
is 1 s of CPU instead of 12.5 s (docs/benchmarks.md, load test).

Older PBKDF2 hashes still verify (config/settings/base.py keeps that hasher second) and are
rehashed with Argon2id at the user's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB: 19 MiB
    parallelism = 1
