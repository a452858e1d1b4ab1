"""Which format a (decompressed) stream holds, from its first bytes, not its name."""

from __future__ import annotations

import json

from cleanse.io.readers.arc import is_arc

FORMATS = ("warc", "arc", "parquet", "arrow", "arrow_stream", "jsonl", "html", "text")


def sniff_format(head: bytes, name: str = "") -> str:
    """One of FORMATS. `head` is the first 64 KB or so of the decompressed stream; `name` is
    only a tie-breaker for JSON Lines whose first line is longer than `head`."""
    if head.startswith((b"WARC/1.", b"WARC/0.")):  # 0.17/0.18: the drafts Heritrix 1.x wrote
        return "warc"
    if is_arc(head):
        return "arc"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"ARROW1"):
        return "arrow"
    if head.startswith(b"\xff\xff\xff\xff") and len(head) > 8:
        return "arrow_stream"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        first, newline, _ = stripped.partition(b"\n")
        if newline:
            try:
                if isinstance(json.loads(first.decode("utf-8", "replace")), dict):
                    return "jsonl"
            except ValueError:
                pass
        elif any(ext in name.lower() for ext in (".jsonl", ".ndjson")):
            return "jsonl"
    from cleanse.decoding import detect_and_decode
    from cleanse.extraction import is_html

    sample = head[:8192]
    if sample.lstrip().startswith(b"<") and is_html(detect_and_decode(sample).text):
        return "html"
    return "text"
