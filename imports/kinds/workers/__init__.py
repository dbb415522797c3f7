"""Kind 1: the roster of community workers (社区工作者名册), matched by ID number.

The columns are the roster export's, so an exported roster comes back unchanged (`columns`).
A file of 100,000 rows cannot go through `trainee_create` one row at a time (a query or three
per row), so each row is checked in Python against lookups loaded once per file
(subdistricts, committees by subdistrict and name, grades, the district's synonyms for
choices, the workers with the file's ID numbers: `lookups`), every cell and every rule of the
trainees services at once (`rows`), and the plan is written through
`trainees.bulk.trainees_bulk_apply`, which applies the same rules again, writes in bulk and
records one audit event per worker created or changed, in the import's single transaction
(`kind`). Uniqueness of the ID number is held by matching on it, by the duplicate check within
the file and, at write time, by the bulk service and the database's unique constraint.
"""

from .kind import WorkersKind
from .rows import out_of_scope_message

__all__ = ["WorkersKind", "out_of_scope_message"]
