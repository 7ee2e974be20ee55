"""Error classes. Every user mistake is one of these, with a message that names the
file, the item and what is wrong; the CLI prints the message and exits non-zero. The file and
the item are also attributes, for programs that handle the error.

>>> error = FileFormatError.at("study.toml: processes.gpu", "missing required key 'unit'")
>>> str(error)
"study.toml: processes.gpu: missing required key 'unit'"
>>> error.file, error.item
('study.toml', 'processes.gpu')

Programmer mistakes (an unknown category asked of a result) are plain Python errors
(``KeyError``, ``TypeError``), not these.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

# Files the loader reads; a "where" that starts with one of these names a file.
_FILE_SUFFIXES = (".toml", ".csv", ".json")


def split_where(where: str) -> tuple[str | None, str | None]:
    """The (file, item) of a message location: ``"file: item"``, ``"file"`` or ``"item"``.

    >>> split_where("inventories/gpu.toml: processes.h100.biosphere[2]")
    ('inventories/gpu.toml', 'processes.h100.biosphere[2]')
    >>> split_where("scenarios/x.toml"), split_where("override.pue")
    (('scenarios/x.toml', None), (None, 'override.pue'))
    """
    head, sep, tail = where.partition(": ")
    if PurePath(head).suffix.lower() in _FILE_SUFFIXES:
        return head, (tail or None) if sep else None
    return None, where or None


class LCAError(Exception):
    """Base class of all errors caused by a user's input.

    Parameters
    ----------
    message : str
        The whole message the CLI prints (it names the file and the item itself).
    file : str, optional
        The file at fault, as the message names it.
    item : str, optional
        The item inside it (``processes.gpu.biosphere[2]``, ``demand.server``, a parameter).

    Examples
    --------
    >>> error = LCAError("a.toml: demand.x: no process makes 'x'", file="a.toml", item="demand.x")
    >>> error.file, error.item, str(error)
    ('a.toml', 'demand.x', "a.toml: demand.x: no process makes 'x'")
    """

    def __init__(self, message: str = "", *, file: str | None = None, item: str | None = None) -> None:
        super().__init__(message)
        if file is None and item is None:
            # raised below the loader (a unit, a formula) with "file: item: ..." in the message
            # only: the file is certain, where the item ends is not
            file = split_where(str(message))[0]
        self.file = file
        self.item = item

    @classmethod
    def at(cls, where: str, message: str) -> LCAError:
        """An error at *where* (``"file: item"``, a file or an item): the message reads
        ``"{where}: {message}"`` and ``file`` and ``item`` are read from *where*.

        >>> UnitError.at("a.toml: flows.co2", "unknown unit 'kgg'").item
        'flows.co2'
        """
        file, item = split_where(str(where))
        return cls(f"{where}: {message}", file=file, item=item)

    def located(self, where: str) -> LCAError:
        """This error with ``file`` and ``item`` read from *where*, unless the item is known
        (for errors raised below the loader, which knows where it was reading).

        >>> UnitError("a.toml: flows.x.unit: cannot read unit 'kgg'").located("a.toml: flows.x.unit").item
        'flows.x.unit'
        """
        if self.item is None:
            file, item = split_where(str(where))
            self.file, self.item = self.file or file, item
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # the keyword fields travel too (the default reduce passes only the message)
        return type(self), self.args, self.__dict__


class FileFormatError(LCAError):
    """A file cannot be read, is not valid TOML, or has a missing or malformed key."""


class UnitError(LCAError):
    """A unit cannot be parsed, or has the wrong dimension for its use."""


class FormulaError(LCAError):
    """A formula is not allowed, refers to an unknown name, or cannot be evaluated."""


class ParameterError(LCAError):
    """A parameter is undefined, duplicated, cyclic or overridden with a bad value."""


class DistributionError(LCAError):
    """An uncertainty specification is invalid (sigma <= 0, min > max, ...)."""


class ModelError(LCAError):
    """The process graph is inconsistent: missing or ambiguous provider, bad production, ..."""


class DuplicateIdError(ModelError):
    """The same id is defined twice."""


class MissingProviderError(ModelError):
    """A technosphere input names a product that no process makes."""


class AmbiguousProviderError(ModelError):
    """Several processes make a product and the exchange does not choose one."""


class SingularSystemError(LCAError):
    """The technosphere matrix cannot be solved for the demand."""


class MethodError(LCAError):
    """An impact method or characterization factor is inconsistent."""


class ReportError(LCAError):
    """A report cannot be written: optional dependency missing, or the output folder is unsafe."""


class AllocationError(LCAError):
    """An allocation cannot be made: a key missing for a target, keys summing to zero, ..."""
