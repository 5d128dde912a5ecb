"""`@record`: dataclass-style value classes that cost nothing to define at start-up.

`dataclasses.dataclass` compiles source text for every class it decorates (about 0.4 ms a
class, plus ~5 ms to import `dataclasses` and `inspect`), which is a third of what a headless
`smtptui run` spends in its own code. A record gets the same behaviour from shared functions
instead: keyword or positional construction, defaults, `field(default=..., default_factory=...,
repr=False, compare=False)`, `__post_init__`, `__slots__`, `__repr__`, `__eq__` (and
`__hash__` when frozen), `__match_args__`, and `replace()` and `asdict()` as in `dataclasses`.
Type checkers read a record as a dataclass (PEP 681)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
C = TypeVar("C", bound=type)


class FrozenInstanceError(AttributeError):
    """An attempt to change a field of a frozen record."""


_MISSING: Any = object()


class _Field:
    """What `field()` says of one field: its default and whether repr and == look at it."""

    __slots__ = ("default", "factory", "repr", "compare")

    def __init__(self, default: Any, factory: Callable[[], Any] | None, repr: bool,
                 compare: bool) -> None:
        self.default, self.factory, self.repr, self.compare = default, factory, repr, compare


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None,
          repr: bool = True, compare: bool = True) -> Any:
    """A field with a default made afresh by `default_factory`, or kept out of repr or ==."""
    return _Field(default, default_factory, repr, compare)


@dataclass_transform(field_specifiers=(field,))
def record(cls: C | None = None, /, *, frozen: bool = False) -> Any:
    """Make `cls` a record; `frozen=True` forbids changing fields after construction."""

    def wrap(cls: C) -> C:
        return _build(cls, frozen)

    return wrap if cls is None else wrap(cls)


def _build(cls: C, frozen: bool) -> C:
    names = tuple(cls.__dict__.get("__annotations__", {}))
    specs = {name: cls.__dict__[name] for name in names if name in cls.__dict__}
    fields = {name: spec if isinstance(spec, _Field) else _Field(spec, None, True, True)
              for name, spec in specs.items()}
    namespace = {key: value for key, value in cls.__dict__.items()
                 if key not in specs and key not in ("__dict__", "__weakref__")}
    namespace.update(
        __slots__=names, __match_args__=names, __record_fields__=names,
        __record_shown__=tuple(n for n in names if n not in fields or fields[n].repr),
        __record_compared__=tuple(n for n in names if n not in fields or fields[n].compare),
        __init__=_initialiser(cls.__name__, names, fields, getattr(cls, "__post_init__", None)),
        __repr__=_repr, __eq__=_eq)
    if frozen:
        namespace.update(__setattr__=_refuse, __delattr__=_refuse, __hash__=_hash)
    else:
        namespace["__hash__"] = None  # mutable and compared by value: not hashable
    return type(cls)(cls.__name__, cls.__bases__, namespace)


def _initialiser(class_name: str, names: tuple[str, ...], fields: dict[str, _Field],
                 post_init: Callable[[Any], None] | None) -> Callable[..., None]:
    count = len(names)
    put = object.__setattr__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > count:
            raise TypeError(f"{class_name}() takes {count} arguments but {len(args)} were given")
        for name, value in zip(names, args, strict=False):
            if name in kwargs:
                raise TypeError(f"{class_name}() got multiple values for argument {name!r}")
            put(self, name, value)
        for name in names[len(args):]:
            if name in kwargs:
                value = kwargs.pop(name)
            elif name in fields:
                spec = fields[name]
                value = spec.default if spec.factory is None else spec.factory()
            else:
                raise TypeError(f"{class_name}() missing required argument {name!r}")
            put(self, name, value)
        if kwargs:
            raise TypeError(f"{class_name}() got an unexpected keyword argument "
                            f"{next(iter(kwargs))!r}")
        if post_init is not None:
            post_init(self)

    return __init__


def _values(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in obj.__record_compared__)


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_shown__)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _refuse(self: Any, name: str, *args: Any) -> None:
    raise FrozenInstanceError(f"cannot change field {name!r} of a frozen {type(self).__name__}")


def replace(obj: T, **changes: Any) -> T:
    """A copy of the record `obj` with some fields changed (as dataclasses.replace)."""
    values = {name: getattr(obj, name) for name in obj.__record_fields__}  # type: ignore[attr-defined]
    return type(obj)(**(values | changes))


def asdict(obj: Any) -> Any:
    """The record as a dict, records inside it too, lists and dicts copied (as dataclasses)."""
    if hasattr(type(obj), "__record_fields__"):
        return {name: asdict(getattr(obj, name)) for name in obj.__record_fields__}
    if isinstance(obj, list | tuple):
        return type(obj)(asdict(item) for item in obj)
    if isinstance(obj, dict):
        return {key: asdict(value) for key, value in obj.items()}
    return obj
