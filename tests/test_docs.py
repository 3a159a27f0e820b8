"""The documentation stays true: settings table, the CI test command."""

from __future__ import annotations

from pathlib import Path

from searchsvc.settings import settings_table

ROOT = Path(__file__).resolve().parent.parent


def test_readme_lists_every_setting_as_the_registry_does():
    assert settings_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if "pytest" in line and not line.startswith("#"))
    assert command.strip() in readme


def test_readme_names_every_public_name():
    import searchsvc

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in searchsvc.__all__ if f"`{name}`" not in readme]
    assert missing == [], f"exported but not in the README: {missing}"
