"""Decoding outside Chinese (issue 12): Japanese, Korean, Cyrillic, Thai, ISO-2022 and
BOM-less UTF-32 pages decode right and are not claimed by the fast CJK path; Chinese pages
quoting Japanese still decode as Chinese. Plus chardet's own labelled files, a few per
encoding, when a mirror of chardet is at hand (see benchmarks/eval_decoding.py)."""

from __future__ import annotations

import os
import subprocess

import pytest

from cleanse.decoding import detect_and_decode
from cleanse.script.family import detect_family
from tests.conftest import seed_bytes

KOREAN = (
    "역사적 예수 연구는 신약성서의 복음서를 역사 자료로 읽고 나사렛 예수의 생애를 재구성하려는 학문이다. "
    "이 연구는 십구 세기 독일에서 시작되었으며, 오늘날에도 많은 학자들이 새로운 방법으로 계속하고 있다. "
    "우리는 이 글에서 그 역사와 주요 쟁점을 간단히 살펴보고자 한다.\n"
) * 6
JAPANESE = (
    "サービスのご利用にあたっては、以下の利用規約をよくお読みください。本サービスは、"
    "お客様が快適にインターネットを楽しめるように、さまざまな機能を提供しています。"
    "ご不明な点がございましたら、お問い合わせフォームからご連絡ください。\n"
) * 6
RUSSIAN = (
    "АвиаПорт.Ru: новости авиации и космонавтики. Сегодня в аэропорту Шереметьево состоялась "
    "презентация нового самолёта, который будет летать между Москвой и Санкт-Петербургом.\n"
) * 6
THAI = (
    "ศูนย์ปฏิบัติการวิทยาศาสตร์ของคณะเภสัชศาสตร์ให้บริการตรวจวิเคราะห์ยาและสมุนไพร "
    "แก่นักศึกษา อาจารย์ และบุคคลทั่วไป โดยมีเครื่องมือที่ทันสมัยและเจ้าหน้าที่ที่มีประสบการณ์\n"
) * 6
CHINESE = seed_bytes("000").decode("utf-8")


@pytest.mark.parametrize(
    "text, codec, expected",
    [
        (KOREAN, "euc-kr", ("cp949",)),
        (KOREAN, "cp949", ("cp949",)),
        (KOREAN, "johab", ("johab",)),
        (JAPANESE, "euc-jp", ("euc_jis_2004", "euc-jp")),
        (JAPANESE, "shift_jis", ("cp932", "shift_jis")),
        (JAPANESE, "cp932", ("cp932",)),
        (RUSSIAN, "koi8-r", ("koi8-r",)),
        (RUSSIAN, "cp1251", ("windows-1251",)),
        (RUSSIAN, "iso-8859-5", ("iso-8859-5",)),
        (THAI, "tis-620", ("tis-620", "cp874")),
    ],
)
def test_non_chinese_legacy_pages_decode_right(text: str, codec: str, expected: tuple[str, ...]) -> None:
    result = detect_and_decode(text.encode(codec))
    assert result.reject is None
    assert result.text == text  # not GB18030 or Big5 mojibake such as 开荤利 抗荐 楷备
    assert result.encoding in expected


@pytest.mark.parametrize(
    "text, codec, where",
    [(text, codec, where)
     for text, codec in [(KOREAN, "euc-kr"), (KOREAN, "cp949"), (JAPANESE, "euc-jp"), (JAPANESE, "shift_jis"),
                         (RUSSIAN, "koi8-r"), (RUSSIAN, "cp1251"), (THAI, "tis-620")]
     for where in (0, 101, -1)],
)
def test_a_stray_byte_does_not_make_a_non_chinese_page_chinese(text: str, codec: str, where: int) -> None:
    # A damaged legacy Chinese file is taken as Chinese with its damage counted (issue 16);
    # the same allowance must not let GB18030 or Big5 claim a Korean, Japanese, Cyrillic or
    # Thai page that has one bad byte.
    raw = bytearray(text.encode(codec))
    raw.insert(where if where >= 0 else len(raw), 0xBB)
    result = detect_and_decode(bytes(raw))
    assert result.reject is None
    assert result.encoding not in ("gb18030", "cp950", "big5hkscs")


@pytest.mark.parametrize("text, codec, right", [(KOREAN, "euc-kr", ("cp949",)), (KOREAN, "cp949", ("cp949",)),
                                                (JAPANESE, "euc-jp", ("euc_jis_2004",))])
@pytest.mark.parametrize("where", [0, 101, -1])
def test_euc_jp_and_euc_kr_with_a_stray_byte_keep_their_codec(text: str, codec: str, right: tuple[str, ...],
                                                             where: int) -> None:
    # chardet gives up on them (cp1006 or cp737 at 0.02-0.06): decode 10 lets EUC-JP and EUC-KR
    # compete on kana and Hangul (decode 9: cp1006, cp737 or cp950 in 5 of these 9).
    raw = bytearray(text.encode(codec))
    raw.insert(where if where >= 0 else len(raw), 0xBB)
    result = detect_and_decode(bytes(raw))
    assert result.encoding in right
    # the text but for the stray byte and the run it shifts (up to the next ASCII byte)
    assert where == 0 or result.text.startswith(text[:30])
    assert where == -1 or result.text.endswith(text[-30:])


@pytest.mark.parametrize("text, codec", [(JAPANESE, "iso2022_jp"), (KOREAN, "iso2022_kr")])
def test_iso2022_is_decoded_not_left_with_escape_codes(text: str, codec: str) -> None:
    result = detect_and_decode(text.encode(codec))
    assert result.reject is None
    assert result.text == text
    assert "\x1b" not in result.text and result.encoding.startswith(codec[:8])


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", [CHINESE, "Plain ASCII report.\n" * 40, KOREAN, "𝐀𝐁𝐂 math letters 😀\n" * 30])
def test_bomless_utf32_is_text_not_binary(text: str, codec: str) -> None:
    result = detect_and_decode(text.encode(codec))
    assert result.reject is None
    assert (result.text, result.encoding) == (text, codec)


def test_nul_heavy_bytes_are_still_binary_not_utf32() -> None:
    assert detect_and_decode(b"\x00\x01\x02\x03" * 100).reject == "binary"


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
@pytest.mark.parametrize("every", [1, 3])
def test_chinese_page_quoting_japanese_decodes_as_chinese(codec: str, every: int) -> None:
    lines = CHINESE.split("\n")
    text = "\n".join(line + ("（日文：サービスのご利用はこちら）" if i % every == 0 else "") for i, line in enumerate(lines))
    data = text.encode(codec, "ignore")
    result = detect_and_decode(data)
    assert result.text == data.decode(codec)
    assert "サービスのご" in result.text
    assert result.encoding == "gb18030"


@pytest.mark.parametrize(
    "text, family",
    [(KOREAN, "ko"), (JAPANESE, "ja"), (RUSSIAN, "other"), (THAI, "other"), ("Hello world, plain English.", "other"),
     (CHINESE, None), ("2024-01-01 12:00", None), (CHINESE[:300] + "韩国歌手아이유和日本品牌ユニクロ的新闻。", None)],
)
def test_language_family(text: str, family: str | None) -> None:
    assert detect_family(text) == family


# --- chardet's own labelled files, a few per encoding ---------------------------------------
CHARDET_GIT = os.environ.get("CLEANSE_CHARDET_GIT", "/work/.mirror/chardet+chardet/repo")
PER_ENCODING = 3
LABELLED = {  # folder -> codecs whose strict decoding is the right text (as in eval_decoding)
    "EUC-KR": ("euc_kr", "cp949"), "CP949": ("cp949",), "Johab": ("johab",), "iso-2022-kr": ("iso2022_kr",),
    "SHIFT_JIS": ("shift_jis", "cp932"), "CP932": ("cp932",), "EUC-JP": ("euc_jp", "euc_jis_2004"),
    "iso-2022-jp": ("iso2022_jp", "iso2022_jp_ext"), "GB2312": ("gb2312", "gbk", "gb18030"),
    "Big5": ("big5", "cp950"), "KOI8-R": ("koi8-r",), "TIS-620": ("tis-620", "cp874"),
    "UTF-32BE": ("utf-32-be",), "UTF-32LE": ("utf-32-le",), "UTF-16BE": ("utf-16-be",), "UTF-16LE": ("utf-16-le",),
    "iso-8859-5-russian": ("iso-8859-5",), "windows-1251-russian": ("cp1251",), "IBM866": ("cp866",),
}


def _labelled_files() -> list[tuple[str, tuple[str, ...]]]:
    if not os.path.isdir(CHARDET_GIT):
        return []
    names = subprocess.run(["git", "--git-dir", CHARDET_GIT, "ls-tree", "-r", "--name-only", "HEAD", "tests/"],
                           capture_output=True, text=True, check=True).stdout.split()
    out = []
    for folder, codecs in LABELLED.items():
        files = sorted(n for n in names if n.startswith(f"tests/{folder}/"))
        out += [(n, codecs) for n in files[:PER_ENCODING]]
    return out


@pytest.mark.skipif(not os.path.isdir(CHARDET_GIT), reason="no mirror of chardet (fetch github:chardet/chardet)")
@pytest.mark.parametrize("name, codecs", _labelled_files() or [("none", ())])
def test_chardet_labelled_file_decodes_to_its_labelled_text(name: str, codecs: tuple[str, ...]) -> None:
    raw = subprocess.run(["git", "--git-dir", CHARDET_GIT, "show", f"HEAD:{name}"], capture_output=True, check=True).stdout
    right = set()
    for codec in codecs:
        try:
            right.add(raw.decode(codec).removeprefix("\ufeff"))
        except UnicodeDecodeError:
            pass
    result = detect_and_decode(raw)
    assert result.reject is None and result.text in right, (name, result.encoding)


@pytest.mark.parametrize("text, family", [(JAPANESE + "国際図書館の学習。", "ja"), (KOREAN + "大韓民國", "ko")])
def test_japanese_and_korean_text_is_not_converted_to_simplified(text: str, family: str) -> None:
    from cleanse.script import ConvertStage, convert_edit

    edit = convert_edit(text)
    assert (edit.text, edit.chars_changed, edit.script) == (text, 0, family)
    batch = ConvertStage().transform_batch([CHINESE.replace("国", "國"), text, "English only."])
    assert [e.script for e in batch] == ["hans", family, "other"]
    assert batch[1].text == text and "國" not in batch[0].text
