"""Signals trainees sends to the apps above it (which it cannot import, STYLE.md layers)."""

from django.dispatch import Signal

# Sent by `trainees.history.apply_plans` after it writes worker periods, with `from_day`: the
# first day whose periods changed. Figures kept from earlier counts (the monthly rate
# snapshots, the report snapshots) drop every day on or after it.
periods_changed = Signal()
