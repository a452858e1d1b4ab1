"""False repairs found on real text (issue 11 and the clean corpus): each one stays fixed,
and text in other scripts next to Chinese passes the repair stages unchanged."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby
from cleanse.repair.cjk.lost import mark_explained


def repaired(text: str) -> str:
    text = fix_text_zh(text).text
    text = repair_mojibake(text).text
    return strip_ruby(text).text


CLEAN = [
    # a Han character before ? / ？ (sentence-final particles of classical prose)
    "可以爲有道之士乎哉？學廣", "可以爲有道之士乎哉?學廣", "豈可勝言哉?夫", "介然於懷邪?生", "何耶?詩書",
    # reduplicated rare characters of classical poetry
    "芃芃黍苗，陰雨膏之。", "硁硁乎，莫己知也", "甡甡其鹿", "零露瀼瀼", "盻盻然", "恁恁恁忒",
    # symbols of editions and legal text
    "□□□□□□，望斷天涯路", "●●●●", "ㄡㄡ聒聒", "法〔××××〕×号", "Ⅰo烧伤", "工资的１５０％支付", "第１２５条",
    "ＭＯＮＡＳＣＵＳ公司", "―――", "临时――0",
    # kana in a poem (source damage, but nothing to restore)
    "ホホ", "みま",
    # a gloss that is content
    "或立於陂(bēi)田，或翔於雲表",
    # a compatibility ideograph (NFC would map it to 甾)
    "\U0002f936字",
    # other scripts
    "汉语拼音（Hànyǔ Pīnyīn）", "李小龙（Lǐ Xiǎolóng）", "となりのトトロ", "宫崎骏的《となりのトトロ》",
    "Привет, мир!", "俄语的Привет, мир!意思是你好", "日本語のサービスのご案内", "希腊语Ελληνικά",
    "韩语한국어", "Café résumé，中文。",
    # kaomoji in reviews
    "味道不错(*￣▽￣)", "(⊙o⊙)哇", "(≧▽≦)",
    # reviews of the clean corpus (repair_corpus.py --check): a kaomoji read as Big5 (`究↓系`),
    # a word before a writer's ??? taken for a short GBK shift (`房价值构`)
    "不会再吃了,o(╯□╰)o", "不知道这算不算房价倒挂???地段太偏,餐厅的饭菜味道不怎么样",
    # blog posts of chardet's test files (tests/Big5, tests/utf-8 @1355907, LGPL; short excerpts):
    # a bopomofo or Cantonese particle before ? read as a lost character and deleted
    # (`輪班ㄚ?` -> `輪班`), a run of á read as a run of Ⅷ, a Hungarian word read as GBK
    "對方: 你昨天輪班ㄚ?\n我: 沒啦 , 現在是午休時間!", "你昨天輪班ㄚ?",
    "將d相縮細左放埋一堆真係好靚架咩? 等我試下先..", "真係好靚架咩?",
    "Big öleléééééééés Neked és Millió Pusszancs", "a postnak és ááááááá félálmoban és már",
    "és ááááááá félálmoban",
    # Japanese blog pages of chardet's test files (tests/EUC-JP, tests/SHIFT_JIS @1355907, LGPL;
    # short excerpts): kana of a Japanese line read as Big5/GBK debris (`私のTW200` -> `私及TW200`)
    "しれませんけれど一応、ご挨拶など。 みなさま、よいお年を",
    "私のTW200は、キムタクがドラマで乗っていたバイクです。",
    "ヘタレな自分に言い訳してます（笑",
    "2005年のF1が開幕。今年はどんな感じになるのかな",
    "ンゾーそっくりの男たちが夜な夜な、膨大な経典を翻訳・出版",
    "地球に見切りをつけて故郷に帰る、というお話。",
    "視界がうばわれると、聴覚や触覚がはたらきます。静寂。",
    # a line too short to tell, in a Japanese text (the title of a page)
    "年末年始もFaithさん\nしれませんけれど一応、ご挨拶など。 みなさま、よいお年を",
    "小西真奈美のCM\n僕のTiny Memoryは、川崎球場の思い出です。",
    # ftfy's negative test cases (tests/data/ftfy, Apache 2.0): Latin-1 symbols in English text
    # read as GBK/Big5 in Latin-1 (`5×£35` -> `5祝35`)
    "Offering 5×£35 pin ups", "OK??:(   `¬´    ):",
    # 左传 of OpenCC's benchmark text (test/benchmark/zuozhuan.txt, Apache 2.0): the source lost
    # 鄩 as `?`; 斟 is written just before, so it is not debris of a lost byte
    "国君浇杀了斟灌而攻打斟?，灭亡了夏后相",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_unchanged(text):
    assert repaired(text) == text
    assert repaired(text + "\n" + text) == text + "\n" + text


def test_gbk_as_latin1_is_restored_before_ftfy_can_touch_it():
    # ftfy alone turns `Ç½` into `ǽ` and `Ð¡Î¢` into `С΢` (issue 11)
    assert repaired("ÎÒÃÇ½ñÌìÈ¥±±¾©¡£") == "我们今天去北京。"
    assert repaired("ÐÂÎÅ£ºÐ¡Î¢ÆóÒµ") == "新闻：小微企业"
    assert repaired("ÐŸÑ€Ð¸Ð²ÐµÑ‚") == "Привет"  # UTF-8 Russian read as cp1252 is still ftfy's
    assert repaired("Ä°stanbul") == "İstanbul"


CHINESE = ["我们今天去北京。", "中華民國的歷史", "孟子見梁惠王。", "第一条　为了规范", "可以爲有道之士乎哉？", "他说：“好。”"]
OTHER = ["Hànyǔ Pīnyīn", "Lǐ Xiǎolóng", "nǚ'ér", "lǜshī", "となりのトトロ", "サービスのご案内", "ひらがなとカタカナ",
         "한국어 문장입니다", "Привет, мир!", "Москва", "Ελληνικά", "αβγδε", "ＡＢＣ１２３", "Café résumé",
         "ÀÉÎÕÜ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CHINESE), st.sampled_from(OTHER), st.sampled_from(["", "（", "(", " ", "，"])),
                min_size=1, max_size=6))
def test_mixed_script_text_unchanged(parts):
    text = "".join(zh + sep + other + (")" if sep == "(" else "）" if sep == "（" else "") for zh, other, sep in parts)
    assert repaired(text) == text


# A short GBK shift ended by the decoder's `?`/U+FFFD needs only a gain of 10^4.5, because it says
# what the mark is: the lost character whose lead byte is the last byte of the character before
# it, with a trail byte the decoder could not pair with the next byte. When only a rare
# character fits (or none), the mark is not explained and the full gain is needed.
def test_yuan_song_character_before_a_placeholder_is_kept():
    # the source's `?` for a character it could not write: read shifted, 挣 (D5F5) leaves a lost
    # F5xx before `，` (A3), and only 醌 or rarer fits (was `我如今日，`, gain 10^4.51)
    text = "一命掩黄沙。\n我如今挣?，将拄仗按拿，魂飞魄讶。"
    assert repaired(text) == text


@pytest.mark.parametrize("text", [
    # found by the idempotence property (tests/test_ops_idempotence.py) on convert_t2s output:
    # é is A8A6, so the lost character would be A6xx, a Greek letter (was `加快》ⅷ改善`, `（一）台😀续`)
    "切实发挥科技在经济社会加快发é\ufffd改善民生中的支撑作用", "（一）继é\ufffd😀续推进企业",
    "加快发é?改善",
])
def test_a_mark_that_only_a_rare_lost_character_explains_is_no_short_shift(text):
    assert repair_mojibake(text).text == text


@pytest.mark.parametrize("text", ["今天éé很好", "éé朝陽日報", "本報訊éé朝陽"])
def test_a_repeat_read_as_another_repeat_is_no_repair(text):
    # é is GBK A8A6, Big5 谷: `éé` read as Big5 became 谷谷, decided by the reduplication rule
    # alone (a repeated Han character is cheap, a repeated é is not)
    assert repair_mojibake(text).text == text


def test_a_mark_explained_by_a_common_lost_character_is_still_a_short_shift():
    # `沂芯?济` = [我]市[经]济: 芯 is D0BE, so the lost character is BExx before 济 (BC)
    assert repair_mojibake("沂芯?济发展").text == "市经济发展"
    assert mark_explained(0xBE, "济".encode("gbk")[0])  # 经 is BEAD, and AD+BC is no GBK code
    assert not mark_explained(0xA6, -1)  # Greek letters only
    assert not mark_explained(0xF5, 0xA3)  # 醌 and rarer before a full-width character


FTFY_CASES = json.loads((Path(__file__).resolve().parents[1] / "data/ftfy/test_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", FTFY_CASES, ids=lambda c: c["label"][:40])
def test_cjk_mojibake_leaves_ftfys_fixed_texts_alone(case):
    # every text ftfy's own tests call right (its negative cases and what it fixes to) is
    # clean text the Chinese repair has no business in
    text = case["fixed"]
    assert repair_mojibake(text).text == text


def test_debris_repeated_by_the_same_damage_is_still_removed():
    # the same damaged sentence twice: 骷 only ever stands before the decoder's `?`
    text = "信息骷?发布使用办法。\n信息骷?发布使用办法。"
    assert repair_mojibake(text).text == "信息发布使用办法。\n信息发布使用办法。"
