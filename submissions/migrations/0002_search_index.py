from django.db import migrations


def create_search_index(apps, schema_editor):
    # A GIN index exists only on PostgreSQL; on SQLite the search is a plain match.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS comment_search_gin ON submissions_writtencomment USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS comment_search_gin")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
