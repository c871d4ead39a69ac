"""Shift planning and rostering load when first asked for, by every public path."""

import importlib
import subprocess
import sys

import pytest

import servicekit.workforce as w

LAZY = sorted(w._LAZY)


def test_importing_the_package_loads_no_planning_or_rostering():
    code = (
        "import sys, servicekit.workforce\n"
        "print(sorted(m for m in sys.modules if m.startswith('servicekit.workforce.')))"
    )
    loaded = subprocess.run(  # noqa: S603 -- the interpreter running the tests
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    for module in set(w._LAZY.values()):
        assert f"servicekit.workforce.{module}'" not in loaded, module


@pytest.mark.parametrize("name", LAZY)
def test_a_lazy_name_is_its_module_s_own_object(name):
    module = importlib.import_module(f"servicekit.workforce.{w._LAZY[name]}")
    assert name in w.__all__
    assert getattr(w, name) is getattr(module, name)
    assert w.__getattr__(name) is getattr(module, name)


def test_from_import_finds_a_lazy_name():
    from servicekit.workforce import build_roster  # noqa: PLC0415 -- the path under test

    assert build_roster.__module__ == "servicekit.workforce._roster_solve"


def test_dir_lists_every_public_name():
    assert set(w.__all__) <= set(dir(w))
    assert dir(w) == sorted(dir(w))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        w.__getattr__("nothing")
