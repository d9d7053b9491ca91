"""The version of what the public comment pages show, kept by the database itself.

One row holds a random token. Database triggers replace it in the same transaction as any
change to what those pages show: a comment that is or was published, the attachments of a
published comment, an organisation, a dialogue, its agenda items, a working group or a
session. Every cached public page and fragment is keyed by the token (views/public.py), read
with one primary-key query per request, so that a change shows at once on every web host
whatever happened to the cache meanwhile: nothing is deleted from the cache, and a cache that
was unreachable when the comment was unpublished cannot keep it on show.

Why triggers rather than ``max(updated_at)``: organisations, agenda items, working groups and
sessions have no such column; a deleted row does not raise a maximum; ``QuerySet.update()``
and the admin bypass save signals; and timestamps from several hosts' clocks are not in
commit order (a change stamped a moment earlier, committed a moment later, would leave the
maximum, and the stale page cached under it, unchanged).

On PostgreSQL the triggers are deferred to the commit (``DEFERRABLE INITIALLY DEFERRED``): the
token's row is locked only at the very end of the transaction, after every row lock it takes,
so two transactions can wait for each other there but never deadlock on it; and the token
changes once per transaction. A transaction sees the new token only once it has committed:
the views therefore neither read nor write the cache inside a transaction
(``connection.in_atomic_block``). On SQLite the triggers run at once; SQLite serialises
writers anyway.

A new random token, rather than a counter, so that a token is never used again for other
content: not after a transaction that rolled back, nor when the database is restored from a
backup (the token comes back with the content it stood for).
"""

# Every statement here is built from this module's constants, never from input.
# ruff: noqa: S608

from django.db import connection

TABLE = "submissions_public_version"
_PREFIX = "submissions_pv_"

# (table, events, a condition on the row), for each table whose rows the public pages show.
# Comments count when they are or were published; attachments when their comment is
# published (checked in the trigger's body: PostgreSQL allows no subquery in WHEN).
_COMMENT = "submissions_writtencomment"
_ATTACHMENT = "submissions_attachment"
_WATCHED = [
    (_COMMENT, "INSERT", "NEW.state = 'published'"),
    (_COMMENT, "UPDATE", "OLD.state = 'published' OR NEW.state = 'published'"),
    (_COMMENT, "DELETE", "OLD.state = 'published'"),
    (_ATTACHMENT, "INSERT", None),
    (_ATTACHMENT, "UPDATE", None),
    (_ATTACHMENT, "DELETE", None),
    ("stakeholders_organisation", "UPDATE", None),
    ("stakeholders_organisation", "DELETE", None),
    ("dialogue_sessions_dialogue", "INSERT", None),
    ("dialogue_sessions_dialogue", "UPDATE", None),
    ("dialogue_sessions_dialogue", "DELETE", None),
    ("dialogue_sessions_agendaitem", "INSERT", None),
    ("dialogue_sessions_agendaitem", "UPDATE", None),
    ("dialogue_sessions_agendaitem", "DELETE", None),
    ("dialogue_sessions_workinggroup", "UPDATE", None),
    ("dialogue_sessions_workinggroup", "DELETE", None),
    ("dialogue_sessions_workinggroupsession", "UPDATE", None),
    ("dialogue_sessions_workinggroupsession", "DELETE", None),
]
_TABLES = sorted({table for table, _event, _condition in _WATCHED})


def _name(table: str, event: str) -> str:
    return f"{_PREFIX}{table}_{event.lower()}"


# --- PostgreSQL ---------------------------------------------------------------------------

_PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION submissions_public_version_touch() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction: all its changes become visible together, at its commit.
    IF current_setting('submissions.public_version_bumped', true) = txid_current()::text THEN
        RETURN;
    END IF;
    PERFORM set_config('submissions.public_version_bumped', txid_current()::text, true);
    UPDATE {TABLE} SET token = md5(random()::text || clock_timestamp()::text) WHERE id = 1;
END $$;

CREATE OR REPLACE FUNCTION submissions_public_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM submissions_public_version_touch();
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION submissions_public_version_bump_attachment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM {_COMMENT} WHERE id = OLD.comment_id AND state = 'published'))
       OR (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM {_COMMENT} WHERE id = NEW.comment_id AND state = 'published')) THEN
        PERFORM submissions_public_version_touch();
    END IF;
    RETURN NULL;
END $$;
"""


def _pg_trigger(table: str, event: str, condition: str | None) -> str:
    function = (
        "submissions_public_version_bump_attachment"
        if table == _ATTACHMENT
        else "submissions_public_version_bump"
    )
    when = f" WHEN ({condition})" if condition else ""
    return (
        f"CREATE CONSTRAINT TRIGGER {_name(table, event)} AFTER {event} ON {table}"
        f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{when} EXECUTE FUNCTION {function}()"
    )


def _pg_truncate_trigger(table: str) -> str:
    # TRUNCATE (the test runner's flush) fires no row trigger; a constraint trigger cannot
    # watch it, so this one runs at once.
    return (
        f"CREATE TRIGGER {_name(table, 'truncate')} AFTER TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION submissions_public_version_bump()"
    )


# --- SQLite -------------------------------------------------------------------------------

_SQLITE_BUMP = f"UPDATE {TABLE} SET token = lower(hex(randomblob(16))) WHERE id = 1;"


def _sqlite_trigger(table: str, event: str, condition: str | None) -> str:
    # No trigger may name another table but the token's: SQLite re-reads every trigger when a
    # migration renames the rebuilt copy of a table into place, and one naming the table
    # while it is gone stops the migration. So on SQLite any attachment counts, a draft's
    # too: a few more cache misses on the embedded default.
    when = f" WHEN {condition}" if condition else ""
    return (
        f"CREATE TRIGGER IF NOT EXISTS {_name(table, event)} AFTER {event} ON {table}"
        f" FOR EACH ROW{when} BEGIN {_SQLITE_BUMP} END"
    )


# --- Installing ---------------------------------------------------------------------------


def install(db) -> None:
    """Create the token's table (once) and every missing trigger, on connection ``db``, and
    start a new version. Safe to run again: the ``post_migrate`` handler does after every
    migration, because SQLite drops a table's triggers when a migration rebuilds the table;
    and a new version after a migration covers what a deployment changed."""
    existing_tables = set(db.introspection.table_names())
    if not set(_TABLES) <= existing_tables:
        return
    with db.cursor() as cursor:
        if TABLE not in existing_tables:
            cursor.execute(
                f"CREATE TABLE {TABLE} (id integer PRIMARY KEY CHECK (id = 1), token varchar(32) NOT NULL)"
            )
        cursor.execute(
            f"INSERT INTO {TABLE} (id, token) SELECT 1, '{'0' * 32}' WHERE NOT EXISTS (SELECT 1 FROM {TABLE})"
        )
        if db.vendor == "postgresql":
            cursor.execute(_PG_FUNCTIONS)
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s", [f"{_PREFIX}%"]
            )
            present = {row[0] for row in cursor.fetchall()}
            for table, event, condition in _WATCHED:
                if _name(table, event) not in present:
                    cursor.execute(_pg_trigger(table, event, condition))
            for table in _TABLES:
                if _name(table, "truncate") not in present:
                    cursor.execute(_pg_truncate_trigger(table))
            cursor.execute(f"UPDATE {TABLE} SET token = md5(random()::text || clock_timestamp()::text)")
        elif db.vendor == "sqlite":
            for table, event, condition in _WATCHED:
                cursor.execute(_sqlite_trigger(table, event, condition))
            cursor.execute(f"UPDATE {TABLE} SET token = lower(hex(randomblob(16)))")


def uninstall(db) -> None:
    with db.cursor() as cursor:
        for table, event, _condition in _WATCHED:
            if db.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
        if db.vendor == "postgresql":
            for table in _TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table, 'truncate')} ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS submissions_public_version_bump_attachment()")
            cursor.execute("DROP FUNCTION IF EXISTS submissions_public_version_bump()")
            cursor.execute("DROP FUNCTION IF EXISTS submissions_public_version_touch()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def reinstall_after_migrate(sender, using="default", **kwargs) -> None:
    """``post_migrate``: put back triggers that a rebuilt table lost (SQLite)."""
    from django.db import connections

    db = connections[using]
    if TABLE in db.introspection.table_names():  # else not migrated this far, or migrated back
        install(db)


# --- Reading ------------------------------------------------------------------------------


def public_version() -> str | None:
    """The current token: one primary-key read. None inside a transaction, whose own
    uncommitted changes the token does not reflect yet, and when the row is missing: then
    nothing is cached."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None
