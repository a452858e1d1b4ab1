"""Arrow arrays built straight from Python columns, for the Parquet writers.

Why not `pa.array` / `pa.Table.from_pylist`: the first conversion of Python objects makes
pyarrow import pandas (when installed), about half a second per process; and `from_pylist`
needs one dict per row plus one per nested record, which is most of the writer's time when
documents carry thousands of removals. Here every array is assembled from buffers
(`pa.Array.from_buffers`) with numpy doing the per-element arithmetic, and nested columns
(list<struct>) come from flat per-field lists plus offsets. The arrays equal what
`from_pylist` builds for the same values (tests/io/test_columns.py checks that).

Measured 2026-12-02 (2-core machine under heavy load, so only the orders of magnitude hold):
pyarrow's first conversion of Python objects took 3.1 s in a fresh process (the pandas
import), paid by every worker. Once pandas is imported, `pa.Table.from_pylist` on the 392
rows of the 10 MB seeds-mix benchmark output (records as tuples) took 0.35-1.6 s against
1.6-4.1 s here: for long runs the plain version may win; to be re-measured on an idle machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import pyarrow as pa

# Strings longer than this on average are encoded one by one (few, long values: the document
# text); shorter ones are joined and measured with numpy (many small values: removals).
_LONG_STRING = 64


def _validity(values: Sequence[Any]) -> tuple[pa.Buffer | None, int]:
    """Arrow validity bitmap (None when nothing is null) and the null count."""
    nulls = list(values).count(None) if not isinstance(values, (list, tuple)) else values.count(None)
    if not nulls:
        return None, 0
    valid = np.fromiter((v is not None for v in values), dtype=np.bool_, count=len(values))
    return pa.py_buffer(np.packbits(valid, bitorder="little")), nulls


def _offsets(lengths: np.ndarray, dtype: type) -> np.ndarray:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return _narrow(out, dtype)


def _narrow(offsets: np.ndarray, dtype: type) -> np.ndarray:
    if dtype is np.int32 and len(offsets) and offsets[-1] > np.iinfo(np.int32).max:
        raise OverflowError("more than 2 GiB of data in one column chunk")
    return offsets.astype(dtype, copy=False)


def _joined_utf8(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """UTF-8 data and int64 offsets of many short strings, with one encode for all of them:
    join with NUL, encode, find the separators, squeeze them out. None if a value holds a NUL
    itself (the separators would be ambiguous)."""
    n = len(values)
    data = np.frombuffer("\0".join(values).encode("utf-8"), dtype=np.uint8)
    nul = data == 0
    seps = np.flatnonzero(nul)
    if len(seps) != n - 1:
        return None
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:n] = seps - np.arange(n - 1)  # each earlier separator shifts a start by one
    offsets[n] = len(data) - (n - 1)
    return data[~nul], offsets


def string_array(values: Sequence[str | None], type: pa.DataType = pa.string()) -> pa.Array:
    """A string (or binary, large_string, large_binary) array; None is null.

    Text that cannot be UTF-8 (lone surrogates) raises UnicodeEncodeError, as pyarrow does.
    """
    n = len(values)
    validity, nulls = _validity(values)
    if nulls:
        empty = b"" if isinstance(next((v for v in values if v is not None), ""), bytes) else ""
        values = [empty if v is None else v for v in values]
    large = pa.types.is_large_string(type) or pa.types.is_large_binary(type)
    off_dtype = np.int64 if large else np.int32
    joined = None
    if n and isinstance(values[0], str) and sum(map(len, values)) <= _LONG_STRING * n:
        joined = _joined_utf8(values)
    if joined is not None:
        data, offsets = joined
        offsets = _narrow(offsets, off_dtype)
    else:
        encoded = [v.encode("utf-8") if isinstance(v, str) else v for v in values]
        data = b"".join(encoded)
        offsets = _offsets(np.fromiter(map(len, encoded), dtype=np.int64, count=n), off_dtype)
    return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(offsets), pa.py_buffer(data)], null_count=nulls)


_NUMPY = {pa.int32(): np.int32, pa.int64(): np.int64, pa.float32(): np.float32, pa.float64(): np.float64}


def numeric_array(values: Sequence[float | int | None], type: pa.DataType) -> pa.Array:
    """An int32/int64/float32/float64 array; None is null. Floats are rounded to float32
    the way pyarrow does (IEEE round to nearest)."""
    validity, nulls = _validity(values)
    if nulls:
        values = [0 if v is None else v for v in values]
    dtype = _NUMPY[type]
    if dtype is np.float32:
        arr = np.array(values, dtype=np.float64).astype(np.float32)
    else:
        arr = np.array(values, dtype=dtype)
    if arr.ndim != 1:
        raise TypeError(f"expected scalars for a {type} column")
    return pa.Array.from_buffers(type, len(values), [validity, pa.py_buffer(arr)], null_count=nulls)


def column_array(values: Sequence[Any], type: pa.DataType) -> pa.Array:
    """A flat (string/binary/numeric) column."""
    if type in _NUMPY:
        return numeric_array(values, type)
    return string_array(values, type)


def struct_list_array(lists: Sequence[Sequence[tuple[Any, ...]]], type: pa.ListType) -> pa.Array:
    """A list<struct> column from one sequence of tuples per row (tuple fields in the struct's
    field order; NamedTuples like `Removal` qualify). No row and no record is null."""
    struct = type.value_type
    offsets = _offsets(np.fromiter(map(len, lists), dtype=np.int64, count=len(lists)), np.int32)
    flat = list(chain.from_iterable(lists))
    fields = list(struct)
    if flat and set(map(len, flat)) != {len(fields)}:
        raise ValueError(f"a record does not have the {len(fields)} fields of {struct}")
    # One itemgetter pass per field: `zip(*flat)` would create an iterator object per record.
    columns = [list(map(itemgetter(i), flat)) for i in range(len(fields))]
    children = [column_array(col, f.type) for col, f in zip(columns, fields)]
    values = pa.StructArray.from_arrays(children, fields=fields)
    return pa.ListArray.from_arrays(pa.Array.from_buffers(pa.int32(), len(offsets), [None, pa.py_buffer(offsets)]),
                                    values, type=type)


def rows_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """`pa.Table.from_pylist(rows, schema=schema)` for flat and list<struct> columns (a
    list<struct> value is a list of tuples in the struct's field order)."""
    arrays = []
    for f in schema:
        col = [r[f.name] for r in rows]
        arrays.append(struct_list_array(col, f.type) if pa.types.is_list(f.type) else column_array(col, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)
