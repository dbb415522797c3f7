"""On PostgreSQL the database itself refuses two overlapping periods of one worker (an
exclusion constraint over inclusive date ranges). SQLite has no such constraint; there the
history service's own check is the guard (trainees.history)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE trainees_workerperiod ADD CONSTRAINT period_no_overlap
    EXCLUDE USING gist (trainee_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&);
"""
DROP = "ALTER TABLE trainees_workerperiod DROP CONSTRAINT IF EXISTS period_no_overlap;"


class PostgresOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("trainees", "0004_periods_from_rows")]
    operations = [PostgresOnly(CREATE, DROP)]
