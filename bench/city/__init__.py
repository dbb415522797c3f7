"""`make bench-city`: issue 13's pages at 2,000 and at 100,000 workers on PostgreSQL, each beside
its baseline, written to the "City scale" section of docs/benchmarks.md.

    .venv/bin/python -m bench.city                       # what `make bench-city` runs
    .venv/bin/python -m bench.city --scales 1            # the 2,000-worker district alone
    .venv/bin/python -m bench.city --only roster,sessions --repeat 3
    .venv/bin/python -m bench.city --explain             # and each page's slowest plan
    .venv/bin/python -m bench.city --reseed              # seed both districts again

Only a whole run (every page, both sizes) is written to docs/benchmarks.md; `--only` and
`--scales` print their table. Every run keeps its figures in ROOT/results/DATABASE.json and,
with `--explain`, EXPLAIN (ANALYZE, BUFFERS) of each page's slowest statement (EXPLAIN alone
for a page stopped by the timeout) in ROOT/explain/DATABASE/PAGE.txt.

A package, not a bench/*.py module, so that `make bench` (which runs those) leaves it out:
the first run seeds for about a quarter of an hour.

- `cluster.py`: its own PostgreSQL cluster under /var/tmp/dudao-city on port 55490, kept
  between runs (stopped at the end when this run started it; `--keep-running` leaves it up).
- `__main__.py`: one database per size in that cluster (`dudao_city_1`, `dudao_city_50`),
  migrated and seeded once with `manage.py seed_demo --scale N --today 2026-11-01` and
  `VACUUM (ANALYZE)` (a row in `bench_city_seed` says it is complete), then one measuring
  process per size, then the table.
- `measure.py`: the pages and their baselines, timed through Django's test client.
"""
