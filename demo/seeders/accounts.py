"""The six demo logins, one per role (demo.context.LOGINS); all share one password."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from demo.context import LOGINS, SeedContext


def seed_logins(ctx: SeedContext) -> None:
    password_hash = make_password(ctx.password)  # hashed once, shared by every demo login
    for username, role, display_name, sub_code in LOGINS:
        user = User(
            username=username,
            role=role,
            display_name=display_name,
            subdistrict=ctx.subdistricts[sub_code] if sub_code else None,
            is_staff=role == Role.DISTRICT_ADMIN,  # the district administrator uses the admin site
            is_superuser=False,
            password=password_hash,
        )
        user.save()
        ctx.users[username] = user
