"""Every string the portal shows is marked for translation, and the English catalog holds them all."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Path("locale/en/LC_MESSAGES")
SKIP = shutil.ignore_patterns(
    ".venv", ".git", "media", "staticfiles", "tests", "*.sqlite3", "__pycache__", ".*cache"
)


def _messages(mo_file: Path) -> dict:
    with mo_file.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    catalog.pop("", None)  # the header
    return catalog


@pytest.fixture(scope="module")
def fresh_catalog(tmp_path_factory) -> dict:
    """The English catalog as `make messages` would make it now, in a copy of the tree."""
    if not shutil.which("xgettext") or not shutil.which("msgen"):
        # .ci/run installs it; a developer's machine may not have it yet.
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing("GNU gettext is missing: apt-get install -y gettext")
    copy = tmp_path_factory.mktemp("tree") / "portal"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    po_file = str(CATALOG / "django.po")
    manage = [sys.executable, "manage.py"]
    # The same steps as `make messages`; msgfmt leaves out untranslated entries, hence msgen.
    for command in (
        [*manage, "makemessages", "-l", "en", "--no-location", "--ignore=staticfiles"],
        ["msgen", po_file, "-o", po_file],
        [*manage, "compilemessages", "-l", "en"],
    ):
        subprocess.run(command, cwd=copy, check=True, capture_output=True)
    return _messages(copy / CATALOG / "django.mo")


def test_english_catalog_is_up_to_date(fresh_catalog):
    committed = _messages(ROOT / CATALOG / "django.mo")
    missing = sorted(str(key) for key in fresh_catalog.keys() - committed.keys())
    assert not missing, f"run `make messages`: the English catalog lacks {missing[:5]}"


def test_english_catalog_is_complete():
    committed = _messages(ROOT / CATALOG / "django.mo")
    assert len(committed) > 100
    assert all(committed.values()), "every English message has its text"


def test_languages_are_the_six_un_languages():
    assert [code for code, _ in settings.LANGUAGES] == ["ar", "zh-hans", "en", "fr", "ru", "es"]


def test_interface_follows_the_chosen_language(client, db):
    with translation.override("fr"):
        # Django's own catalogs already translate its strings; ours fall back to English.
        assert translation.gettext("Constructive dialogues") == "Constructive dialogues"
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, follow=True)
    assert '<html lang="fr"' in response.content.decode()
