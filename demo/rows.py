"""Writing the demo's rows a batch at a time, so that no table is ever held in memory whole.

`bulk_create_stream` consumes a generator of model instances in batches. `RowWriter` is for
the biggest tables (supervision logs and what hangs off them, training enrolments and
attendance: about 15 million rows at scale 50), where building a model instance per row and
preparing each value through its field was most of the run's time: it INSERTs plain tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache, partial
from itertools import islice
from typing import Any, TypeVar

from django.core.management.color import no_style
from django.db import connection, reset_queries
from django.db.models import Field, Max, Model
from django.utils import timezone

# Rows per INSERT batch, and per chunk of a streamed read: large enough that a batch's round
# trip is cheap, small enough that a batch's objects never weigh much.
BATCH_SIZE = 2000

T = TypeVar("T")
M = TypeVar("M", bound=Model)

# Values the database drivers do not take as Python gives them (times on SQLite, aware
# datetimes stored as UTC, JSON text, decimals quantised): these go through their field.
_PREPARED_TYPES = {"DateTimeField", "TimeField", "JSONField", "DecimalField"}


def batched(items: Iterable[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items (itertools.batched arrives in Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def forget_queries() -> None:
    """Empty Django's query log. With DEBUG on (local settings, `make demo`) it keeps the text
    of the last 9,000 queries with their values: a 2,000-row INSERT is a few hundred KB, and
    at scale 50 the log alone grew to gigabytes (the FAQ's advice for long-running scripts)."""
    reset_queries()


def bulk_create_stream(
    model: type[M],
    rows: Iterable[M],
    *,
    size: int = BATCH_SIZE,
    after: Callable[[list[M]], None] | None = None,
) -> int:
    """INSERT model instances from a generator a batch at a time.

    `after` receives each written batch (with primary keys set, on SQLite and PostgreSQL) to
    write the rows that point at it; the batch is dropped once it returns.
    """
    count = 0
    for chunk in batched(rows, size):
        model.objects.bulk_create(chunk, batch_size=size)
        if after is not None:
            after(chunk)
        count += len(chunk)
        forget_queries()
    return count


class RowWriter:
    """Plain INSERTs of value tuples into one model's table.

    A row is a tuple in the order of `fields` (foreign keys as ids). Only the columns whose
    values need it go through their field (`_PREPARED_TYPES`); every field not named gets its
    default, and auto_now/auto_now_add fields the time the writer was made. Nothing is
    validated: the seeders produce valid rows by construction (tests/demo/ checks them).

    With `ids=True` the first value of each row is its primary key, handed out by `new_id()`
    after the table's largest, as loaddata does; `finish()` then moves PostgreSQL's sequence
    past them (SQLite's AUTOINCREMENT follows explicit keys by itself). The seeding runs in
    one transaction on a database without demo data, so nobody else takes those keys.
    """

    def __init__(self, model: type[Model], fields: Sequence[str], *, ids: bool = False) -> None:
        meta = model._meta
        self.model = model
        self.ids = ids
        given = [meta.get_field(name) for name in fields]
        rest = [f for f in meta.concrete_fields if f not in given and not f.primary_key]
        now = timezone.now()
        self.constants = tuple(
            f.get_db_prep_save(
                now
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default(),
                connection,
            )
            for f in rest
        )
        columns = ([meta.pk] if ids else []) + given + rest
        quote = connection.ops.quote_name
        self.sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        offset = 1 if ids else 0
        # (column index in a row, converter) of the columns that need one.
        self.prepare = [
            (i + offset, prepare)
            for i, f in enumerate(given)
            if (prepare := self._preparer(f)) is not None
        ]
        self.next = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 if ids else 0
        self.count = 0

    @staticmethod
    def _preparer(f: Field) -> Callable[[Any], Any] | None:
        kind = f.get_internal_type()
        if kind not in _PREPARED_TYPES:
            return None
        if kind == "JSONField":
            return partial(f.get_db_prep_save, connection=connection)
        # Times, datetimes and decimals repeat a lot (sessions start on the hour or half hour,
        # confirmations come in the evening): converting each distinct value once saves most
        # of the cost of the conversions, which read settings and time zones every time.
        return lru_cache(maxsize=65536)(partial(f.get_db_prep_save, connection=connection))

    def new_id(self) -> int:
        pk, self.next = self.next, self.next + 1
        return pk

    def write(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        constants = self.constants
        if not self.prepare:
            values = [row + constants for row in rows]
        else:
            values = []
            for row in rows:
                cells = list(row)
                for i, prepare in self.prepare:
                    cells[i] = prepare(cells[i])
                values.append((*cells, *constants))
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, values)
        self.count += len(rows)
        forget_queries()

    def finish(self) -> None:
        if self.ids:
            statements = connection.ops.sequence_reset_sql(no_style(), [self.model])
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
