from django.db.models import QuerySet

from accounts.models import User

from .models import Assignment


def supervised_trainee_ids(user: User) -> QuerySet:
    """Ids of the workers currently paired with this supervisor login (a subquery, not a list)."""
    return Assignment.objects.filter(supervisor__user=user, ended_on__isnull=True).values(
        "trainee_id"
    )
