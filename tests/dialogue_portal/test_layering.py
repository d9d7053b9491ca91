"""The house's layout rules that a reader would otherwise check by hand."""

import ast
import re
from pathlib import Path

import dialogue_portal

APPS = {"stakeholders", "sessions", "submissions", "reports"}
PACKAGE = Path(dialogue_portal.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"import_module", "import_string"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            modules.add(str(node.args[0].value))
    return modules


def test_dialogue_portal_imports_no_app():
    offenders = {
        f"{path.relative_to(PACKAGE.parent)}: {module}"
        for path in PACKAGE.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in APPS
    }
    assert not offenders, "dialogue_portal must not import the apps (they register with it): " + ", ".join(
        sorted(offenders)
    )


def test_the_import_check_sees_an_import(tmp_path):
    # A check that cannot fail is a defect: it does see each kind of import.
    module = tmp_path / "example.py"
    module.write_text(
        "import sessions.models\nfrom stakeholders import selectors\n"
        "import importlib\nimportlib.import_module('submissions.demo')\n"
    )
    assert _imported_modules(module) >= {"sessions.models", "stakeholders", "submissions.demo"}


# --- States are named, never spelled --------------------------------------------------------

ROOT = PACKAGE.parent
SPELLED_STATE = re.compile(r"""\bstate\s*(==|!=)\s*["']""")


def _templates() -> list[Path]:
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in sorted(APPS))]
    return [path for folder in folders if folder.exists() for path in folder.rglob("*.html")]


def test_no_template_compares_a_state_to_a_spelled_value():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _templates()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if SPELLED_STATE.search(line)
    ]
    assert _templates(), "no template found: the check would pass on nothing"
    assert not offenders, "ask a property (comment.is_published) instead: " + ", ".join(offenders)


def test_the_spelled_state_check_sees_one():
    assert SPELLED_STATE.search('{% if comment.state == "published" %}')
    assert not SPELLED_STATE.search("{% if comment.is_published %}")
