"""Read-only containers for the records: one mapping type and read-only arrays.

``types.MappingProxyType`` is read-only but cannot be pickled or deep-copied, so no process
pool could receive a model or a result. :class:`FrozenDict` keeps a private dict, exposes only
the :class:`~collections.abc.Mapping` interface and pickles as that dict. Arrays that results
hand to users are read-only views (:class:`ReadOnlyArrays`), also after a pickle round trip.

>>> import pickle
>>> stages = FrozenDict({"use": 2.0, "manufacturing": 1.0})
>>> stages["use"], list(stages)
(2.0, ['use', 'manufacturing'])
>>> pickle.loads(pickle.dumps(stages)) == stages
True
>>> stages["use"] = 3.0
Traceback (most recent call last):
TypeError: 'FrozenDict' object does not support item assignment
"""

from __future__ import annotations

import copy
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, ClassVar, TypeVar

import numpy as np

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(Mapping[K, V]):
    """A read-only mapping that keeps the insertion order of the mapping it copies.

    Equal to any mapping with the same items (a ``dict`` included); hashable when every
    value is (an unhashable value makes ``hash`` raise ``TypeError``, as for a tuple).

    Parameters
    ----------
    mapping : Mapping or iterable of pairs, optional
        The items; copied, so later changes to *mapping* do not show through.

    Examples
    --------
    >>> units = FrozenDict({"climate_change": "kg CO2-eq"})
    >>> units
    FrozenDict({'climate_change': 'kg CO2-eq'})
    >>> hash(units) == hash(FrozenDict(units))
    True
    """

    # "get" is the private dict's own bound method, held in a slot: a lookup in a model's
    # mappings (a provider, a flow, per exchange) is then one C call, not a Python method and a C
    # call (Mapping.get would go through __getitem__ and an exception)
    __slots__ = ("_items", "_hash", "get")

    def __init__(self, mapping: Mapping[K, V] | Any = (), /) -> None:
        items = dict(mapping)
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_hash", None)
        object.__setattr__(self, "get", items.get)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    # The dict's own views (read-only, like the Mapping mixins' views): iterating them, or
    # dict(frozen.items()), runs in C, where the mixins call __getitem__ per item (a model's
    # hundreds of thousands of parameters and exchanges).
    def keys(self) -> KeysView[K]:
        return self._items.keys()

    def values(self) -> ValuesView[V]:
        return self._items.values()

    def items(self) -> ItemsView[K, V]:
        return self._items.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._items == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._items.items())))
        return self._hash

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"

    def __reduce__(self) -> tuple[Any, tuple[dict[K, V]]]:
        return type(self), (self._items,)

    def __copy__(self) -> FrozenDict[K, V]:
        return self  # immutable: a copy is the same value

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return type(self)(copy.deepcopy(self._items, memo))


def frozen(mapping: Mapping[K, V] | None = None) -> FrozenDict[K, V]:
    """A :class:`FrozenDict` copy of *mapping* (empty for None).

    >>> frozen({"a": 1})["a"], len(frozen())
    (1, 0)
    """
    return FrozenDict(mapping or {})


def readonly(array: Any) -> np.ndarray:
    """A read-only view of *array*: writing through it raises ``ValueError``; *array* itself
    (its owner's buffer) is left writeable.

    >>> scores = readonly(np.zeros(3))
    >>> scores[0] = 1.0
    Traceback (most recent call last):
    ValueError: assignment destination is read-only
    """
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


class ReadOnlyArrays:
    """Mixin for frozen dataclasses whose fields named in ``_read_only`` hold arrays users
    read but must not write; None fields stay None.

    numpy restores an unpickled or deep-copied array writeable, so the fields are locked
    again in ``__setstate__`` as well as after ``__init__``.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Samples(ReadOnlyArrays):
    ...     _read_only = ("values",)
    ...     values: np.ndarray
    >>> Samples(np.ones(2)).values.flags.writeable
    False
    """

    _read_only: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        self._lock()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock()

    def _lock(self) -> None:
        for name in self._read_only:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, readonly(value))
