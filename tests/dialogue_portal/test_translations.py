"""Every string the portal shows is marked for translation, the English catalog holds
them all, and the catalogs of the five other UN languages translate every one of them."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Path("locale/en/LC_MESSAGES")
# The locale folders of the other five official languages (Django's name for zh-hans).
TRANSLATED = ["fr", "es", "ru", "ar", "zh_Hans"]
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
    _gettext_tools()
    copy = tmp_path_factory.mktemp("tree") / "portal"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    po_file = str(CATALOG / "django.po")
    manage = [sys.executable, "manage.py"]
    # The same steps as `make messages`; msgfmt leaves out untranslated entries, hence msgen.
    for command in (
        [*manage, "makemessages", "-l", "en", "--no-location", "--no-obsolete", "--ignore=staticfiles"],
        ["msgattrib", "--clear-fuzzy", "--empty", "--clear-previous", po_file, "-o", po_file],
        ["msgen", po_file, "-o", po_file],
        [*manage, "compilemessages", "-l", "en"],
    ):
        subprocess.run(command, cwd=copy, check=True, capture_output=True)
    return _messages(copy / CATALOG / "django.mo")


def _gettext_tools():
    if not shutil.which("xgettext") or not shutil.which("msgen"):
        # .ci/run installs it; a developer's machine may not have it yet.
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing("GNU gettext is missing: apt-get install -y gettext")


def _po_entries(po_file: Path) -> dict:
    """The entries of a PO file: (context, msgid, plural) -> (fuzzy, [msgstr, …]).

    Read here rather than from the compiled catalog, which leaves fuzzy and empty
    entries out, so that the test can name them."""
    entries, entry, field = {}, None, None

    def close():
        if entry and entry["msgid"]:
            key = (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))
            forms = [text for name, text in sorted(entry.items()) if name.startswith("msgstr")]
            entries[key] = ("fuzzy" in entry["flags"], forms)

    for line in po_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"flags": ""}
        if line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#~"):  # an obsolete message: not in the catalog
            continue
        elif not line.startswith("#"):
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$", line)
            if match:
                field = match[1]
                entry[field] = ast.literal_eval(match[2])
            else:
                entry[field] += ast.literal_eval(line)
    close()
    return entries


def _plural_count(po_file: Path) -> int:
    return int(re.search(r"nplurals=(\d+)", po_file.read_text(encoding="utf-8"))[1])


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalog_translates_every_english_message(language):
    po_file = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    english = _po_entries(ROOT / CATALOG / "django.po")
    translated = _po_entries(po_file)
    plurals = _plural_count(po_file)
    missing = [key[1] for key in english if key not in translated]
    fuzzy = [key[1] for key, (is_fuzzy, _forms) in translated.items() if is_fuzzy]
    empty = [key[1] for key, (_fuzzy, forms) in translated.items() if not all(form.strip() for form in forms)]
    wrong_forms = [key[1] for key, (_fuzzy, forms) in translated.items() if key[2] and len(forms) != plurals]
    assert len(english) > 100
    assert not missing, (
        f"{language} lacks {len(missing)} messages (run `make messages`, translate): {missing[:5]}"
    )
    assert not fuzzy, f"{language} has {len(fuzzy)} fuzzy messages to check and unmark: {fuzzy[:5]}"
    assert not empty, f"{language} has {len(empty)} empty translations: {empty[:5]}"
    assert not wrong_forms, f"{language} plural messages without {plurals} forms: {wrong_forms[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalog_is_the_translated_one(language):
    """Django reads the .mo file: it must be compiled from the .po file as it stands."""
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    compiled = _messages(folder / "django.mo")
    for (context, msgid, plural), (_fuzzy, forms) in _po_entries(folder / "django.po").items():
        key = f"{context}\x04{msgid}" if context else msgid
        if plural:
            assert [compiled.get((key, n)) for n in range(len(forms))] == forms, (
                f"run `make messages`: {language}'s django.mo is older than its django.po ({msgid!r})"
            )
        else:
            assert compiled.get(key) == forms[0], (
                f"run `make messages`: {language}'s django.mo is older than its django.po ({msgid!r})"
            )


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_catalog_passes_msgfmt_check(language):
    """Placeholders kept (python-format), plural forms declared, headers whole."""
    _gettext_tools()
    po_file = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(po_file)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


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
        assert translation.gettext("Constructive dialogues") == "Dialogues constructifs"
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, follow=True)
    page = response.content.decode()
    assert '<html lang="fr"' in page
    assert "Dialogues constructifs" in page


def test_secretariat_override_rewords_one_phrase_and_leaves_the_rest(client, db, settings, tmp_path):
    """README, Translations: a catalog of the secretariat's own, searched first."""
    _gettext_tools()
    folder = tmp_path / "overrides" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Written comments"\nmsgstr "Observations écrites"\n',
        encoding="utf-8",
    )
    subprocess.run(["msgfmt", "-o", folder / "django.mo", folder / "django.po"], check=True)
    settings.LOCALE_PATHS = [tmp_path / "overrides", *settings.LOCALE_PATHS]
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("submissions:list")).content.decode()
    assert "<h1>Observations écrites</h1>" in page
    with translation.override("fr"):
        assert translation.gettext("Constructive dialogues") == "Dialogues constructifs"
