"""lca.load.study: study files and their includes; errors name the file, the item and the problem."""

from __future__ import annotations

import pytest
from studies import HEAD, PROCESS_A

import lca


def test_zero_production_is_an_error(study):
    with pytest.raises(lca.ModelError, match=r"processes\.a\.amount: production amount must be positive, got 0"):
        lca.load_study(study(HEAD + PROCESS_A + "amount = 0\n"))


def test_duplicate_id_names_both_files(study, tmp_path):
    (tmp_path / "other.toml").write_text('[processes.a]\nunit = "kg"\nsource = "t"\n')
    header = 'include = ["base.toml", "gwp.toml", "other.toml"]\n'
    with pytest.raises(lca.DuplicateIdError, match=r"study\.toml: processes\.a: process 'a' is already defined in "
                       r".*other\.toml: processes\.a"):
        lca.load_study(study(HEAD + PROCESS_A, header=header))


def test_bad_unit_and_bad_toml(study, tmp_path):
    with pytest.raises(lca.UnitError, match=r"processes\.a\.unit: cannot read unit 'kgg'"):
        lca.load_study(study(HEAD + PROCESS_A.replace('"kg"', '"kgg"')))
    broken = tmp_path / "broken.toml"
    broken.write_text("[study\nname = 1")
    with pytest.raises(lca.FileFormatError, match=r"broken\.toml: invalid TOML"):
        lca.load_study(broken)


# -- the fast path of a big database's exchanges gives what the checked path gives ------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lca.load.study import _Loader, _plain_amount, _plain_exchange  # noqa: E402

GSD = 1.2214027581601699
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1e-300, 2.5, -3.0]))
values = st.one_of(floats, st.integers(-3, 3), st.booleans(), st.sampled_from(["2 * 3", "x +", "", None]))
units = st.sampled_from(["kg", "MJ", "kWh", "kg CO2-eq", "", "kgg", "10 kg", "degC", "-", None, 3])
texts = st.one_of(st.none(), st.sampled_from(["t", "", "process_1"]), st.integers(0, 2))
lognormals = st.fixed_dictionaries(
    {"distribution": st.sampled_from(["lognormal", "normal", "gamma", 1])},
    optional={"gsd": st.one_of(floats, st.sampled_from([GSD, 1.0, 1000.0, 1000.0000001, 2])),
              "sigma": floats, "mu": floats, "sd": floats, "source": texts})
uncertainties = st.one_of(st.none(), lognormals, st.just({"distribution": "lognormal", "gsd": GSD}),
                          st.just({"distribution": "fixed"}), st.just({"pedigree": [1, 2, 3, 4, 5]}),
                          st.just("lognormal"), st.just([GSD]))
amount_tables = st.one_of(
    st.fixed_dictionaries({"amount": floats, "uncertainty": st.one_of(st.none(), st.just({"distribution": "lognormal", "gsd": GSD}))},
                          optional={"source": texts}),
    st.fixed_dictionaries({}, optional={"amount": values, "uncertainty": uncertainties, "source": texts}))
COMMON_ROW = {"product": "b", "provider": "b", "amount": 0.5, "unit": "kg",
              "uncertainty": {"distribution": "lognormal", "gsd": GSD}}
# the common row with at most two keys changed (to any value), added or removed
near_common = st.builds(
    lambda changes, removed: {**{k: v for k, v in COMMON_ROW.items() if k not in removed}, **changes},
    st.dictionaries(st.sampled_from(["product", "flow", "provider", "amount", "unit", "source", "uncertainty",
                                     "comment", "sources"]),
                    st.one_of(floats, values, units, texts, uncertainties), max_size=2),
    st.sets(st.sampled_from(list(COMMON_ROW)), max_size=1))
rows = st.one_of(
    near_common,
    st.fixed_dictionaries({"amount": values, "unit": units},
                          optional={"product": texts, "flow": texts, "provider": texts, "comment": texts,
                                    "source": texts, "uncertainty": uncertainties, "site": texts, "amout": values}),
    st.sampled_from([[], "row", None]))


def outcome(build):
    """What *build* gives: its record (with the value's exact bits), or its error's type and message."""
    try:
        record = build()
    except lca.LCAError as exc:
        return type(exc).__name__, str(exc)
    amount = getattr(record, "amount", record)
    return record, repr(amount.value), type(amount.value)


@settings(max_examples=600, deadline=None)
@given(amount_tables, units, texts)
def test_plain_amount_is_the_checked_amount(table, unit_text, default_source):
    where = "inv.toml: processes.p"
    checked = outcome(lambda: _Loader()._checked_amount(table, "amount", where, unit_text, default_source))
    plain = _plain_amount(table, "amount", unit_text, default_source)
    if plain is not None:
        assert outcome(lambda: plain) == checked
    assert outcome(lambda: _Loader()._amount(table, "amount", where, unit_text, default_source)) == checked


@settings(max_examples=600, deadline=None)
@given(rows, st.sampled_from([("technosphere", "product"), ("biosphere", "flow")]), texts)
def test_plain_exchange_is_the_checked_exchange(row, kind_and_key, source):
    """Any row, malformed ones too: the fast path builds the checked path's record or leaves the
    row to it (whose message names the file, the item and the problem)."""
    kind, key = kind_and_key
    where = f"inv.toml: processes.p.{kind}[3]"
    checked = outcome(lambda: _Loader()._exchange(row, kind, key, where, source))
    plain = _plain_exchange(row, kind, key, where, source)
    if plain is not None:
        assert outcome(lambda: plain) == checked
    if isinstance(checked[0], str):
        assert checked[1].startswith(f"{where}"), checked


def test_the_common_row_takes_the_fast_path():
    row = {"product": "b", "provider": "b", "amount": 0.5, "unit": "kg",
           "uncertainty": {"distribution": "lognormal", "gsd": GSD}}
    exchange = _plain_exchange(row, "technosphere", "product", "inv.toml: processes.a.technosphere[0]", "src")
    assert exchange == _Loader()._exchange(row, "technosphere", "product", "inv.toml: processes.a.technosphere[0]", "src")
    assert exchange.where == "inv.toml: processes.a.technosphere[0] (b)"
    assert exchange.amount.uncertainty.log_sigma == pytest.approx(0.2, rel=1e-15)
    assert _plain_exchange({**row, "amount": 1}, "technosphere", "product", "w", "src") is None  # an int: checked
