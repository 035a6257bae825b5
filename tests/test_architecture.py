"""The dependency rules of DESIGN.md, checked on the source (imports parsed with ast).

* lef is the ground floor: the building blocks every app uses; it imports no app;
* members is the base of the others: projects, events and spaces may import it,
  and no other app (they meet on the pages of ``home`` and through lef.hooks);
* knowledge, what projects publish and where projects come from, stands on
  projects and events: it may import them (and lef and members), and only home
  and dashboard import it;
* home is the top floor: the home page, Mijn LEF, the calendar page and the demo
  data read every app, and no app imports home;
* dashboard, the coordinators' dashboard, is a top app beside home: it reads
  every app, and no app imports it (nor does it import home, or home it);
* no app imports another app's views.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("lef", "members", "projects", "events", "spaces", "knowledge", "home", "dashboard")
LATER_APPS = ("projects", "events", "spaces")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def sources(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def imports_of(app: str) -> dict[str, set[str]]:
    return {str(p.relative_to(ROOT)): imported_modules(p) for p in sources(app)}


def apps_imported(app: str) -> dict[str, set[str]]:
    """Per source file of ``app``: the other apps of APPS it imports."""
    found = {
        path: {m.split(".")[0] for m in modules} & (set(APPS) - {app})
        for path, modules in imports_of(app).items()
    }
    return {path: apps for path, apps in found.items() if apps}


def test_lef_imports_no_app():
    assert apps_imported("lef") == {}


@pytest.mark.parametrize("app", ["members", *LATER_APPS])
def test_an_app_imports_no_other_app_but_lef_and_members(app):
    allowed = {"lef"} if app == "members" else {"lef", "members"}

    found = {path: apps - allowed for path, apps in apps_imported(app).items()}

    assert {path: apps for path, apps in found.items() if apps} == {}


def test_knowledge_imports_only_what_it_stands_on():
    allowed = {"lef", "members", "projects", "events"}

    found = {path: apps - allowed for path, apps in apps_imported("knowledge").items()}

    assert {path: apps for path, apps in found.items() if apps} == {}
    assert "projects" in set().union(*apps_imported("knowledge").values())


def test_the_top_apps_import_each_other_not():
    """home and dashboard both read every app; neither reads the other."""
    assert {"dashboard"} & set().union(*apps_imported("home").values()) == set()
    assert {"home"} & set().union(*apps_imported("dashboard").values()) == set()


def test_home_reads_the_apps():
    """The top floor does import them (so the checks above can see imports across apps)."""
    imported = set().union(*apps_imported("home").values())

    assert {"lef", "members", "projects", "events"} <= imported


@pytest.mark.parametrize("app", APPS[1:])
def test_no_app_imports_another_apps_views(app):
    others = {a for a in APPS if a != app}
    offending = {
        path: sorted(m for m in modules if m.split(".")[0] in others and ".views" in f"{m}.")
        for path, modules in imports_of(app).items()
    }

    assert {path: found for path, found in offending.items() if found} == {}


def test_the_checks_see_imports():
    """The parser finds both import forms (so the tests above can fail)."""
    path = ROOT / "members" / "views" / "profile.py"

    assert {"lef.http", "members.forms.ContactForm", "django.contrib.messages"} <= (
        imported_modules(path)
    )


# Speed comes from queries, not from a second system of caches (DESIGN.md, "Speed,
# simply"): the rate limiter is the one user of Django's cache, and nothing
# memoises rendered HTML or reads the cache table with SQL of its own.
CACHE_USERS = {"lef/ratelimit.py"}


def test_only_the_rate_limiter_uses_a_cache():
    users = {
        path
        for app in APPS
        for path, modules in imports_of(app).items()
        if any(m == "django.core.cache" or m.startswith("django.core.cache.") for m in modules)
    }

    assert users == CACHE_USERS


def test_no_code_memoises_or_reads_the_cache_table():
    found = {}
    for app in APPS:
        for path in sources(app):
            if path == ROOT / "lef" / "settings.py":  # where the rate limits' table is named
                continue
            text = path.read_text(encoding="utf-8")
            hits = [word for word in ("lru_cache", "lef_cache", "pickle") if word in text]
            if hits:
                found[str(path.relative_to(ROOT))] = hits

    assert found == {}
