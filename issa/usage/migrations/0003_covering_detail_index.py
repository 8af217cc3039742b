"""A covering (subscriber_id, start_time) index for the call detail on PostgreSQL.

The detail's totals read every row of the subscriber's month; with 10M records in the table those
rows sit on ~20k different pages, so the heap reads made the totals 64 ms (7.5x the 1M figure,
bench/detail_query.py). With the summed columns in the index the totals are an index-only scan
(3.5 ms measured at 10M). SQLite has no INCLUDE and keeps the plain index; the model's state keeps
the plain index too, so Django sees no difference between the two databases.
"""

from django.db import migrations

COVERING = (
    "CREATE INDEX usage_record_sub_time ON usage_usagerecord (subscriber_id, start_time) "
    "INCLUDE (kind, outgoing, duration, quantity, charge, record_id)"
)
PLAIN = "CREATE INDEX usage_record_sub_time ON usage_usagerecord (subscriber_id, start_time)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS usage_record_sub_time")
        schema_editor.execute(COVERING)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS usage_record_sub_time")
        schema_editor.execute(PLAIN)


class Migration(migrations.Migration):
    dependencies = [("usage", "0002_servicedomain_statrequest")]
    operations = [migrations.RunPython(forwards, backwards)]
