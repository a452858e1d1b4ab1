"""Building WARC files: single records (for tests) and large generated crawls (benchmarks).

    PYTHONPATH=. python benchmarks/warc_gen.py OUT.warc.gz --mb 100

A generated crawl: per page a request record, a response record (HTML page made of seed
paragraphs inside a news-site template with navigation, related links and a footer; 60%
UTF-8, 25% GBK, 15% Big5, some labelled with a wrong charset) and a metadata record, one
gzip member per record as crawlers write them. Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import uuid
from pathlib import Path

from cleanse.script import convert

ROOT = Path(__file__).resolve().parent.parent


def warc_record(warc_type: str, block: bytes, url: str = "", content_type: str = "", record_id: str | None = None,
                date: str = "2024-05-01T08:00:00Z", extra: dict[str, str] | None = None) -> bytes:
    rid = record_id or f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url + warc_type + str(len(block)))}>"
    headers = {"WARC-Type": warc_type, "WARC-Record-ID": rid, "WARC-Date": date}
    if url:
        headers["WARC-Target-URI"] = url
    if content_type:
        headers["Content-Type"] = content_type
    headers.update(extra or {})
    headers["Content-Length"] = str(len(block))
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str = "text/html", status: str = "200 OK") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("latin-1") + body


def response(url: str, body: bytes, content_type: str = "text/html", record_id: str | None = None) -> bytes:
    return warc_record("response", http_response(body, content_type), url, "application/http; msgtype=response", record_id)


def request(url: str) -> bytes:
    block = f"GET / HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n\r\n".encode()
    return warc_record("request", block, url, "application/http; msgtype=request")


def metadata(url: str) -> bytes:
    return warc_record("metadata", b"fetchTimeMs: 120\r\n", url, "application/warc-fields")


def arc_record(url: str, block: bytes, content_type: str = "text/html", date: str = "20080430204825",
               version: int = 1) -> bytes:
    """One ARC record: its header line (version 1, or 2 with result code, checksum, location,
    offset and file name), the block, a newline."""
    middle = " 200 - - 0 x.arc" if version == 2 else ""
    return f"{url} 192.0.2.1 {date} {content_type}{middle} {len(block)}\n".encode() + block + b"\n"


def arc_file(records: list[bytes], version: int = 1) -> bytes:
    """An ARC file: the `filedesc://` record describing it, then `records`."""
    fields = ("URL IP-address Archive-date Content-type Archive-length" if version == 1 else
              "URL IP-address Archive-date Content-type Result-code Checksum Location Offset Filename Archive-length")
    desc = f"{version} 0 test\n{fields}\n".encode()
    return arc_record("filedesc://x.arc", desc, "text/plain", version=version) + b"".join(records)


def page_html(title: str, paragraphs: list[str], charset: str, nav: bool = True, traditional: bool = False,
              template_done: bool = False) -> str:
    """A news page: navigation bar, headline, article paragraphs, related links, footer (the
    template in Traditional characters when `traditional`, for Big5 pages)."""
    links = "".join(f"<a href='/c{i}'>{name}</a> | " for i, name in enumerate(("首页", "时政", "国际", "财经", "体育")))
    related = "".join(f"<li><a href='/r{i}'>{p[:18]}</a></li>" for i, p in enumerate(paragraphs[:4]))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>{title}_示例新闻网</title></head><body>"
            + (f"<div class='nav'>{links}</div>" if nav else "")
            + f"<h1>{title}</h1><div class='article'>{body}</div>"
            + (f"<div class='related'><h3>相关新闻</h3><ul>{related}</ul></div>" if nav else "")
            + "<div class='footer'><a href='/about'>关于我们</a> | <a href='/c'>联系我们</a></div></body></html>")
    if traditional:
        return _TRAD_TEMPLATE.sub(lambda m: _s2t_template(m.group(0)), html)
    return html


_TRAD_TEMPLATE = re.compile("首页|时政|国际|财经|体育|示例新闻网|相关新闻|关于我们|联系我们")


def _s2t_template(word: str) -> str:
    return convert(word, "s2t")


def seed_paragraphs() -> list[str]:
    out = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        out += [ln.strip() for ln in p.read_text("utf-8").splitlines() if len(ln.strip()) >= 20 and "<" not in ln]
    return out


def generate(path: Path, mb: float, seed: int = 0, image_share: float = 0.0) -> int:
    """Write a crawl of about `mb` MB (decompressed) to `path` (.gz: one member per record).
    `image_share`: that share of the bytes is image responses (incompressible, 256 KB each),
    which a reader must skip (a crawl's bulk is often such payloads). Returns the number of
    HTML response records."""
    rng = random.Random(seed)
    paras = seed_paragraphs()
    trad = [convert(p, "s2t") for p in paras]  # once: Big5 pages are written in Traditional
    size, pages, image_bytes = 0, 0, 0
    opener = gzip.open if path.suffix == ".gz" else open
    with open(path, "wb") as out:
        while size < mb * 1e6:
            if image_share and image_bytes < image_share * size:
                img = response(f"http://img.example.cn/{pages}.jpg", rng.randbytes(256 << 10), "image/jpeg")
                size += len(img)
                image_bytes += len(img)
                out.write(gzip.compress(img, 1) if opener is gzip.open else img)
                continue
            n = rng.randint(4, 14)
            picks = [rng.randrange(len(paras)) for _ in range(n)]
            r = rng.random()
            codec, label = ("utf-8", "utf-8") if r < 0.6 else (("gb18030", "gb2312") if r < 0.85 else ("cp950", "big5"))
            if rng.random() < 0.1:
                label = "iso-8859-1"  # a wrong label: the bytes must win
            ps = [(trad if codec == "cp950" else paras)[i] for i in picks]
            body = page_html(ps[0][:16], ps, label, traditional=codec == "cp950", template_done=codec != "cp950")
            body = body.encode(codec, "replace")
            url = f"http://news.example.cn/{pages}.html"
            for rec in (request(url), response(url, body, f"text/html; charset={label}"), metadata(url)):
                size += len(rec)
                out.write(gzip.compress(rec, 6) if opener is gzip.open else rec)
            pages += 1
    return pages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--image-share", type=float, default=0.0)
    args = ap.parse_args()
    n = generate(args.out, args.mb, args.seed, args.image_share)
    print(f"{args.out}: {n} pages, {args.out.stat().st_size / 1e6:.1f} MB on disk")


if __name__ == "__main__":
    main()
