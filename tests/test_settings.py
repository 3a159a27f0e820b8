"""Settings: a value that cannot be meant is refused, naming the setting, never used."""

from __future__ import annotations

from typing import Any

import pytest

from searchsvc.errors import QueryError
from searchsvc.settings import Settings

ACCEPTED = "expected one of 1/0, true/false, yes/no, on/off"


@pytest.mark.parametrize("name, value, message", [
    # NaN passed every range check; inf is refused in the same words
    ("bm25_k1", "nan", "expected a finite number, got 'nan'"),
    ("bm25_k1", "NaN", "expected a finite number"),
    ("query_time_limit", "inf", "expected a finite number"),
    ("recency_half_life_days", "-inf", "expected a finite number"),
    ("compiled_extraction", "ture", f"{ACCEPTED}, got 'ture'"),
    ("compiled_extraction", "", ACCEPTED),
    ("compiled_extraction", "2", ACCEPTED),
])
def test_environment_values_that_cannot_be_meant_are_refused(name: str, value: str, message: str):
    env = "SEARCHSVC_" + name.upper()
    with pytest.raises(QueryError) as exc:
        Settings(environ={env: value})
    assert exc.value.param == name and str(exc.value).startswith(f"{env}: ") and message in str(exc.value)


@pytest.mark.parametrize("name, value", [
    ("weight_title", float("nan")),
    ("max_limit", float("inf")),  # int(inf) raised OverflowError, a traceback
    ("compiled_extraction", "ture"),
])
def test_override_values_that_cannot_be_meant_are_refused(name: str, value: Any):
    with pytest.raises(QueryError) as exc:
        Settings({name: value}, environ={})
    assert exc.value.param == name and str(exc.value).startswith(f"{name}: expected ")


@pytest.mark.parametrize("value, ok", [(5, True), ("5", True), (5.0, True), (5.9, False), (True, False),
                                       ("5.9", False)])
def test_integer_settings_are_not_cut_into_integers(value, ok):
    if ok:
        assert Settings({"max_limit": value}, environ={}).max_limit == 5
    else:
        with pytest.raises(QueryError):
            Settings({"max_limit": value}, environ={})


def test_the_type_checkers_view_of_settings_matches_the_registry():
    """``Settings``' annotations (read by mypy only) name every setting with its registry type."""
    import ast
    import inspect

    from searchsvc import settings

    tree = ast.parse(inspect.getsource(settings.Settings))
    guarded = next(n for n in ast.walk(tree) if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    annotated = {n.target.id: ast.unparse(n.annotation) for n in guarded.body if isinstance(n, ast.AnnAssign)}
    assert annotated == {s.name: s.type.__name__ for s in settings.SETTINGS}
    values = Settings(environ={})
    assert all(isinstance(getattr(values, s.name), s.type) for s in settings.SETTINGS)
