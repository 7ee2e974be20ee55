"""Error classes. Every user mistake is one of these, with a message that names the
file, the item and what is wrong; the CLI prints the message and exits non-zero."""

from __future__ import annotations


class LCAError(Exception):
    """Base class of all errors caused by a user's input."""


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
