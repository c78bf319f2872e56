"""The long-list model: sorting by cached keys that follow the rows and column changes."""

from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester

from placement_desk.ui.common.fast_rows import FastRowsModel
from placement_desk.ui.common.rows import Column


def _names(model: FastRowsModel[tuple[str, int]]) -> list[str]:
    return [model.row_at(n)[0] for n in range(model.rowCount())]


def test_sort_follows_new_rows_and_refreshed_columns() -> None:
    extra = {"b": 0}
    model: FastRowsModel[tuple[str, int]] = FastRowsModel(
        [Column("Name", lambda r: r[0]),
         Column("Size", lambda r: str(r[1]), sort=lambda r: r[1] + extra.get(r[0], 0))],
        lambda r: r[0])
    model.set_rows([("a", 3), ("b", 1), ("c", 2)])
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert _names(model) == ["b", "c", "a"]
    model.set_shown([0, 2])  # a filter: the cached keys still sort what is shown
    assert _names(model) == ["c", "a"]
    model.set_rows([("x", 9), ("y", 0)])  # new rows: new keys
    assert _names(model) == ["y", "x"]
    model.set_rows([("a", 3), ("b", 1), ("c", 2)])
    extra["b"] = 10  # a column's values worked out later (the 903 check counts)
    model.refresh_column(1)
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert _names(model) == ["c", "a", "b"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert _names(model) == ["b", "a", "c"]


def test_sorting_moves_persistent_indexes_with_their_rows(qtmodeltester: ModelTester) -> None:
    model: FastRowsModel[tuple[str, int]] = FastRowsModel(
        [Column("Name", lambda r: r[0]), Column("Size", lambda r: str(r[1]), sort=lambda r: r[1])],
        lambda r: r[0])
    model.set_rows([("a", 3), ("b", 1), ("c", 2)])
    qtmodeltester.check(model)
    held = QPersistentModelIndex(model.index(0, 1))  # "a", as a view's selection holds it
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert _names(model) == ["b", "c", "a"]
    assert (held.row(), held.column()) == (2, 1), "the index follows its row"
    assert model.data(model.index(held.row(), 0)) == "a"
    model.set_shown([0, 1])  # "c" filtered out, then sorted again: "a" still followed
    held = QPersistentModelIndex(model.index(1, 0))
    assert model.data(held) == "a"
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.data(held) == "a" and held.row() == 0
    qtmodeltester.check(model)
