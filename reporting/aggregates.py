"""Percentiles computed inside the database.

PostgreSQL has PERCENTILE_CONT; SQLite (the embedded default) gets the same
linear interpolation as a registered aggregate, so both give equal figures.
"""

from django.db.models import Aggregate, FloatField

from reporting.stats import percentile


class Percentile(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, share: float, **extra):
        if not 0 <= share <= 1:
            raise ValueError("share must be between 0 and 1")
        super().__init__(expression, share=float(share), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        # On a copy rather than as keywords: Aggregate.as_sql wraps the
        # template in FILTER (WHERE …) itself when the aggregate has a filter.
        clone = self.copy()
        clone.function = "REPORT_PERCENTILE"
        clone.template = "%(function)s(%(expressions)s, %(share)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class _SqlitePercentile:
    def __init__(self):
        self.values, self.share = [], None

    def step(self, value, share):
        self.share = share
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return percentile(self.values, self.share) if self.values else None


def register_sqlite_percentile(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("REPORT_PERCENTILE", 2, _SqlitePercentile)
