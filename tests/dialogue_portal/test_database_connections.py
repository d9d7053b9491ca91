"""The database connection outlives a request (dialogue_portal.env.read_database)."""

from dialogue_portal.env import read_database


def test_database_connection_kept_a_minute_by_default(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_DATABASE_URL", "postgres://portal@db.example.org:5432/dialogues")
    config = read_database("PORTAL_TEST_DATABASE_URL", "sqlite:///unused.sqlite3")
    assert config["CONN_MAX_AGE"] == 60
    # A connection the database closed meanwhile is noticed before it is used.
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_connection_age_set_in_the_url(monkeypatch):
    monkeypatch.setenv(
        "PORTAL_TEST_DATABASE_URL", "postgres://portal@db.example.org:5432/dialogues?conn_max_age=0"
    )
    assert read_database("PORTAL_TEST_DATABASE_URL", "sqlite:///unused.sqlite3")["CONN_MAX_AGE"] == 0
