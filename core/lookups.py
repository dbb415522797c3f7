"""`in` on integer columns leaves out numbers no such column can hold.

Django already answers `exact`, `gt`, `lt` and the like with a number beyond the column's
range as "no row" (IntegerFieldOverflow), but not `in`: `pk__in=[99999999999999999999]`
reaches the database, where SQLite raises OverflowError on binding it. Forms ask exactly
that of posted ids (ModelMultipleChoiceField, the admin's autocomplete), so a session log's
`attendees=99999999999999999999` was a 500. Such a number names no row, so leaving it out
changes no answer. Registered by core.apps.CoreConfig.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
