"""The public surface: every exported name is documented with a runnable example.

Doctests run the examples; this module makes sure each public name *has* one, that
``__all__`` lists only what exists, and that private modules stay private.
"""

import importlib
import inspect
import pkgutil
from importlib import resources

import pytest

import servicekit

PACKAGES = [
    "servicekit",
    "servicekit.errors",
    "servicekit.conditions",
    "servicekit.sla",
    "servicekit.sla.presets",
    "servicekit.acceptance",
    "servicekit.routing",
    "servicekit.routing.staffing",
    "servicekit.scoring",
    "servicekit.cli",
    "servicekit.workforce",
    "servicekit.messages",
]
PUBLIC = [
    (pkg, name)
    for pkg in PACKAGES
    for name in importlib.import_module(pkg).__all__
    if not name.startswith("__")
]


@pytest.mark.parametrize(("package", "name"), PUBLIC)
def test_public_name_has_a_docstring_with_an_example(package, name):
    obj = getattr(importlib.import_module(package), name)
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return  # constants and type aliases are documented where they are defined
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{package}.{name} has no docstring"
    assert ">>>" in doc, f"{package}.{name} has no runnable example"


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_unique_and_real(package):
    module = importlib.import_module(package)
    names = list(module.__all__)
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(module, name), f"{package}.__all__ lists missing {name}"


def test_every_module_but_the_public_ones_is_private():
    allowed = {p.rsplit(".", 1)[-1] for p in PACKAGES}
    for info in pkgutil.walk_packages(servicekit.__path__, "servicekit."):
        last = info.name.rsplit(".", 1)[-1]
        assert last.startswith("_") or last in allowed, info.name


def test_package_ships_type_information():
    assert resources.files("servicekit").joinpath("py.typed").is_file()
