"""JSON Lines / NDJSON: one JSON object per line, the text in one field, the others kept.

A line that is not JSON, not an object, or has no string in the text field becomes a bad
record with its line number, offset and bytes; blank lines are counted skips. Lines are
UTF-8 as JSON requires; a line in another encoding (a GBK dump) is decoded by cleanse's
detector before parsing, and the encoding it found is kept as `jsonl_encoding`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from cleanse.io.readers.records import MAX_RAW, STREAM_ERRORS, BadRecord, Item, Record, Skipped


def iter_jsonl(stream: BinaryIO, text_field: str = "text", index: int = 0, pos: int = 0) -> Iterator[Item]:
    """The items of a JSON Lines stream; `index`/`pos`: the line number and decompressed
    offset of the stream's first byte (a part of a file read from a line start)."""
    try:
        for line in stream:
            start = pos
            pos += len(line)
            i = index
            index += 1
            if not line.strip():
                yield Skipped(i, start, "blank_line")
                continue
            yield _parse(i, start, line, text_field)
    except STREAM_ERRORS as exc:
        yield BadRecord(index, pos, 0, "truncated_stream", f"{type(exc).__name__} at decompressed offset {pos}: {exc}", b"")


def _parse(index: int, start: int, line: bytes, text_field: str) -> Item:
    where = f"line {index + 1} (offset {start})"
    extra: dict[str, str] = {}
    try:
        obj = json.loads(line)
    except UnicodeDecodeError:
        from cleanse.decoding import detect_and_decode

        decoded = detect_and_decode(line)
        try:
            obj = json.loads(decoded.text)
        except ValueError as exc:
            return BadRecord(index, start, len(line), "bad_json", f"{where}: {exc}", line[:MAX_RAW])
        extra["jsonl_encoding"] = decoded.encoding or ""
    except ValueError as exc:
        return BadRecord(index, start, len(line), "bad_json", f"{where}: {exc}", line[:MAX_RAW])
    if not isinstance(obj, dict):
        return BadRecord(index, start, len(line), "not_an_object", f"{where}: a JSON {type(obj).__name__}", line[:MAX_RAW])
    text = obj.get(text_field)
    if not isinstance(text, str):
        if text_field not in obj:
            fields = ", ".join(repr(k) for k in list(obj)[:20]) or "none"
            detail = f"{where}: no field {text_field!r} (fields: {fields}); name the text field with --text-field"
        else:
            detail = f"{where}: field {text_field!r} is {'null' if text is None else type(text).__name__}, not a string"
        reason = "no_text_field" if text is None else "text_not_string"
        return BadRecord(index, start, len(line), reason, detail, line[:MAX_RAW])
    fields = {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in obj.items() if k != text_field}
    fields.update(extra)
    return Record(index, start, len(line), text=text, fields=fields)
