"""Imports an official source file by path, unchanged, for the fixture scripts in this folder.

Packages the official files import but never use for what we record (torchvision, accelerate, einops,
ema_pytorch, …) are replaced by empty modules whose attributes are dummy classes, so the files import
on a machine that has only Debian's python3-torch.
"""
import importlib.util
import sys
import types


def stub(names):
    """Installs an empty module for each dotted name (any attribute is a dummy class)."""
    for name in names:
        if not getattr(sys.modules.get(name), '_official_stub', False):
            mod = types.ModuleType(name)
            mod._official_stub = True
            mod.__getattr__ = lambda attr: type(attr, (), {})
            sys.modules[name] = mod
        if '.' in name:
            parent, child = name.rsplit('.', 1)
            setattr(sys.modules[parent], child, sys.modules[name])


def load(path, label, stubs=()):
    """Executes the file at `path` as module `official_<label>` after stubbing `stubs`."""
    stub(stubs)
    spec = importlib.util.spec_from_file_location(f'official_{label}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
