"""Training moves to its own app (label "training"): its models leave this app's state.

Nothing happens in the database: the tables keep their names (the training models set
Meta.db_table) and training 0001 creates the same models in its state. Deleted in an order
that never leaves a model pointing at one already gone.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("supervision_sessions", "0004_default_credit_policy")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Attendance"),
                migrations.DeleteModel(name="LeaveRequest"),
                migrations.DeleteModel(name="Enrolment"),
                migrations.DeleteModel(name="Sitting"),
                migrations.DeleteModel(name="TrainingEvent"),
                migrations.DeleteModel(name="CheckinUse"),
                migrations.DeleteModel(name="CreditPolicy"),
            ],
        )
    ]
