"""Kind 2: the supervisor team (督导师) and their pairings (督导关系), in two sheets.

Supervisors are matched by name and home subdistrict (there is no other natural key; a
worker-supervisor may also give their ID number, which links the record to the worker).
Pairings are matched by the worker's ID number: the same supervisor and mode is unchanged,
another supervisor or mode is a change (the current pairing is ended, with the file named as
the reason, and the new one started), none is new.

The rules are the supervisors services': only the district administrator arranges pairings,
only active workers are paired, nobody supervises themselves, a supervisor's active pairings
never exceed their capacity (counted after the whole file, with pairings moved away freed),
and the writes go through `assignment_end` and `assignments_bulk_create`, which lock the
supervisors and re-check capacity against the database. Supervisors are written through
`supervisor_create` and `supervisor_update`, as in the admin site: the same rules, and one
audit event per new or changed supervisor (a district's team is a few hundred people, so one
call per row costs well under a second).

The sheets' columns are in `columns`, what the rows are matched against (subdistricts, the
team as stored) in `lookups`, the planning of each sheet in `team` and `pairs`, and the kind
itself (template, export, plan and write) in `kind`.
"""

from .kind import SupervisorsKind

__all__ = ["SupervisorsKind"]
