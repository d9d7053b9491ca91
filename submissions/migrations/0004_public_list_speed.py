"""The public comment pages' speed: the version token and its triggers (installed by
submissions.public_version, which the post_migrate handler also runs after every migration),
and a GIN index of the title's words (the weight-A part of the search vector) for search's
title matches."""

from django.db import migrations


def forwards(apps, schema_editor):
    from submissions import public_version

    public_version.install(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        # Partial, like the search: only published comments are ever searched.
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS comment_title_search_gin ON submissions_writtencomment"
            " USING gin (ts_filter(search_vector, '{a}'::\"char\"[])) WHERE state = 'published'"
        )


def backwards(apps, schema_editor):
    from submissions import public_version

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS comment_title_search_gin")
    public_version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0003_comment_form_token"),
        ("stakeholders", "0001_initial"),
        ("dialogue_sessions", "0002_dialogue_max_representatives_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
