"""A crawl record's block -> the payload a document is made of, or a counted skip (WARC and ARC).

What a crawl holds besides pages, and what becomes of it (reasons as the manifest counts them):

| record | reason |
| --- | --- |
| a DNS lookup or crawler metadata (`dns:`, `metadata:`, `filedesc:` URIs: wget writes its log and arguments as `metadata://…` resource records) | `crawler_record` |
| an HTTP status other than 2xx (redirects, error pages) | `http_3xx`, `http_4xx`, `http_5xx`, `http_1xx` |
| `robots.txt` | `robots_txt` |
| style sheets and scripts (`text/css`, `*/javascript`, `*/ecmascript`) | `code_payload` |
| feeds, sitemaps and API responses (`*/xml`, `*/json`, RSS, Atom, RDF, JSON-LD), unless the payload is an (X)HTML page | `data_payload` |
| images, PDF, fonts, any other type that is not text | `binary_payload` |
| an empty payload | `empty_payload` |

Found on real crawls nobody here wrote (tests/data/webarchive_ukwa: Heritrix 1.14 and wget
1.14 WARC and ARC files, CC0): before these rules, 11 of wget's 14 kept records and 18 of 19
of a Wikipedia crawl were redirects, scripts, style sheets, robots.txt or wget's own log, and
each crawl's RSS feed became a row of XML tags.
"""

from __future__ import annotations

import re
import zlib

from cleanse.io.readers.records import MAX_RAW, BadRecord, Item, Record, Skipped

CHARSET = re.compile(r"""charset\s*=\s*["']?([-\w.:]+)""", re.I)
# Payload types kept: text of any kind, and the XML/JSON families pages and feeds use.
TEXT_MIME = re.compile(r"^(?:text/|application/(?:xhtml\+xml|xml|json|rss\+xml|atom\+xml|ld\+json)\b)", re.I)
# ... but not code: style sheets and scripts are never a document of the corpus.
CODE_MIME = re.compile(r"^(?:text/css|(?:text|application)/(?:x-)?(?:javascript|ecmascript))\b", re.I)
# ... nor data: feeds, sitemaps, API responses (a feed's items are the site's pages, crawled
# as pages too), unless the payload is an (X)HTML page served with an XML type.
DATA_MIME = re.compile(r"^(?:text|application)/(?:xml|json|x-json|rss\+xml|atom\+xml|rdf\+xml|ld\+json)\b", re.I)
HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
CRAWLER_SCHEMES = ("dns:", "metadata:", "filedesc:")
NOT_DOCUMENTS = re.compile(r"^[a-z]+://[^/]+/robots\.txt$", re.I)


def record_item(index: int, start: int, length: int, block_at: int, block: bytes, fields: dict[str, str],
                content_type: str, http: bool) -> Item:
    """The item of one crawl record: `block` (at decompressed offset `block_at`) is an HTTP
    response when `http`, else the payload itself; `content_type` is the container's type of
    the block (for HTTP, the response's own header decides)."""
    url = fields.get("url", "")
    if url.lower().startswith(CRAWLER_SCHEMES):
        return Skipped(index, start, "crawler_record")
    payload, payload_at = block, block_at
    if http:
        parsed = parse_http(block)
        if isinstance(parsed, str):
            where = fields.get("warc_record_id") or url
            return BadRecord(index, start, length, "http_bad", f"record {where} at offset {start}: {parsed}", block[:MAX_RAW])
        content_type, payload, body_at, status = parsed
        payload_at = block_at + body_at
        fields["http_status"] = status
        if not status.startswith("2"):
            first = status[:1]
            return Skipped(index, start, f"http_{first}xx" if first in ("1", "3", "4", "5") else "http_bad_status")
    if NOT_DOCUMENTS.match(url):
        return Skipped(index, start, "robots_txt")
    content_type = content_type.strip()
    if content_type and CODE_MIME.match(content_type):
        return Skipped(index, start, "code_payload")
    if content_type and DATA_MIME.match(content_type) and not HTML_START.match(payload[:4096]):
        return Skipped(index, start, "data_payload")
    if content_type and not TEXT_MIME.match(content_type):
        return Skipped(index, start, "binary_payload")
    if not payload.strip():
        return Skipped(index, start, "empty_payload")
    fields["content_type"] = content_type.split(";")[0].strip().lower()
    m = CHARSET.search(content_type)
    if m:
        fields["charset_hint"] = m.group(1).lower()
    fields = {k: v for k, v in fields.items() if v}
    return Record(index, start, length, payload=payload, payload_offset=payload_at, fields=fields)


def parse_http(block: bytes) -> tuple[str, bytes, int, str] | str:
    """(Content-Type, body, body offset in the block, status code) or what is wrong."""
    end = block.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = block.find(b"\n\n"), 2
    if end < 0:
        return "no end of HTTP headers"
    lines = block[:end].split(b"\n")
    status = lines[0].split()
    if len(status) < 2 or not status[0].startswith(b"HTTP/"):
        return f"bad HTTP status line {lines[0][:80]!r}"
    headers: dict[str, str] = {}
    for ln in lines[1:]:
        name, _, value = ln.partition(b":")
        headers[name.strip().decode("latin-1").lower()] = value.strip().decode("latin-1")
    body = block[end + sep:]
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    encoding = headers.get("content-encoding", "").lower().strip()
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            body = zlib.decompress(body, 47 if encoding != "deflate" else zlib.MAX_WBITS)
        except zlib.error:
            try:
                body = zlib.decompress(body, -zlib.MAX_WBITS)
            except zlib.error as exc:
                return f"Content-Encoding {encoding}: {exc}"
    elif encoding not in ("", "identity"):
        return f"unsupported Content-Encoding {encoding!r}"
    return headers.get("content-type", ""), body, end + sep, status[1].decode("latin-1")


def _dechunk(body: bytes) -> bytes:
    """HTTP/1.1 chunked transfer coding removed; a body that is not really chunked (crawlers
    often keep the header after de-chunking) is returned as it is."""
    out, pos = bytearray(), 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            return body
        size_text = body[pos:eol].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return body
        if size == 0:
            return bytes(out)
        out += body[eol + 2: eol + 2 + size]
        pos = eol + 2 + size + 2
