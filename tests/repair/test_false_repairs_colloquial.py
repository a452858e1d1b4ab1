"""False repairs found on colloquial Cantonese, Hong Kong and Taiwan text (issue 11: the
colloquial genres of benchmarks/repair_corpus.py), each one fixed by cjk_mojibake 13 and kept
fixed here. The false repairs of `輪班ㄚ?` and `好靚架咩?` (an edit that only deletes) are in
test_false_repairs.py; the ones here replace the writer's characters with others.

Excerpts of HKCanCor, the Hong Kong Cantonese Corpus (K. K. Luke and May L. Y. Wong; CC BY 4.0,
tests/data/clean_corpus/LICENSE.hkcancor.txt), as shipped in jacksonllee/pycantonese
(src/pycantonese/data/hkcancor/<file>, commit 2dff909), tokens joined as repair_corpus.py
joins them: consecutive utterances, one a line, with the corpus's half-width punctuation.
What each one became on cjk_mojibake 10-12 is in the comments (a short GBK shift
ended by the writer's `?` at the line end, its lost characters guessed).
"""

import pytest

from tests.repair.test_false_repairs import repaired


# Written Cantonese's everyday characters were unknown to the model (jieba's Mandarin word
# list: 嗰 啲 乜 嘢 冇 cost 6.5-7.5), so a question ending in them read as damage:
# `嗰啲?` -> `駟`, `乜嘢?` -> `繃`, `冇笑?` -> `們有` (model.CANTONESE_CHARS).
UNKNOWN_CHARACTERS = [
    "kiosk啊.\n即係,誒,喺啲銀行呢,你咪見到有啲機呢,擺咗喺度俾人撳撳撳來問嘢𠸏.\n交錢嗰啲?",  # FC-011_v.cha
    "係.\n噉我覺得,嘩!佢就話俾我聽喺香港買呢要成千幾蚊喎.\n你嗰本書嘅書名係乜嘢?",  # FC-022b_v.cha
    "係喇,最好就唔好得罪人喇.\n係啊,我都驚啊其實,啲成日都眼超超噉樣呢,我好驚,死嚹,係唔係得罪佢呢?\n係唔係-係唔係我冇笑?\n你知我唔笑個樣幾鬼寸𡃉喇.",  # FC-029_v.cha
]

# A question without a particle, in a document punctuated with ASCII marks (`係.`, `,` between
# Han characters, `啊?`): `蚊?` -> `美`, `兔仔?` -> `米`, `糠?` -> `筏`, `丸?` -> `型`,
# `佬?` -> `道` (judge.WriterMarks, TUNING.writer_marks_min).
WRITER_QUESTION_MARKS = [
    "當蘿蔔啊.\n磨牙?\n你隻兔仔?\n隻兔仔啊.",  # FC-012_v.cha
    "唔係啊.\n雀粟係唔係啊?\n雀仔食木糠?\n佢冇噉嘅\"\".",  # FC-012_v.cha
    "\"\"香蕉121喇.\n一萬蚊咋喎,係唔係啊?\n一萬蚊?\n係啊係啊係啊.",  # FC-029_v.cha
    "我知邊間嚹.\n哦.\n大丸?\n俾個飛機嗰個啊嗰次.",  # FC-048_v2.cha
    "死咗重有乜嘢戲做唧.\n喂,真係其實幾難捱𡃉我覺得.\n點頂啊大佬?\n吓?",  # FC-049_v2.cha
]

# A Cantonese sentence-final particle before `?` (model.PARTICLES, and CANTONESE_CHARS):
# `呵?` -> `：`, `咩?` -> `者`, `吖?` -> `高`, `呀?` after 冇 -> `友`, `啞?` -> `。`, `喺邊?` -> `者`,
# `晒?` -> `裹`.
PARTICLES = [
    "你見唔見到啊?\n隻腳嗰邊.\n見到,呵?\n嗯.",  # FC-013_v.cha
    "日日哺住喺嗰度咪得.\n係啊.\n好誇張啊,呵?\n睇多啲報紙咪得囖.",  # FC-055_v2.cha
    "喺美國咪好多嗰啲嗰啲叫做出-嗰啲factory outlet呢.\n冇喎,冇乜點去喎.\n你冇去行咩?\n嗰度買嘢抵啲喎.",  # FC-001_v2.cha
    "噉𠻺比較識得去揾啲旅遊嘅客人嘅錢囖.\n哦.\n即係佢遊客嗰啲錢囖,即係你好似香-尖沙咀係唔係好貴吖?\n一啲啲喇.",  # FC-018_v.cha
    "哦.\n你廣東-你睇廣州都冇喇.\n廣州都冇呀?\n你-你唔係乜嘢.",  # FC-018_v.cha
    "大過你?\n唔係係唔係啊?\n你,唔係噉講嘢啞?\n冇嘢啞?",  # FC-025_v.cha
    "噉acting up都有人工收㗎?\n即係多啲𡃉嗎.\n噉doubling同acting嘅人工嘅分別喺邊?\n譬如我同時都係AIO.",  # FC-013_v.cha
    "再加一六八呢就送埋飛線,就連埋秘書台.\n即係三百九十再加一六八就乜都包晒.\n乜都包晒?\n即係五百五十八蚊.",  # FC-025_v.cha
]


@pytest.mark.parametrize("text", UNKNOWN_CHARACTERS + WRITER_QUESTION_MARKS + PARTICLES)
def test_colloquial_text_unchanged(text):
    assert repaired(text) == text
    assert repaired(text + "\n" + text) == text + "\n" + text


def test_a_fullwidth_document_keeps_the_short_shift_rule():
    # the writer's-mark rule needs ASCII punctuation written by hand: a document punctuated
    # with ，。 gives a `?` at a line end no such credit
    from cleanse.repair.cjk.judge import writer_marks
    from cleanse.repair.cjk.tuning import TUNING
    assert writer_marks("你見唔見到啊?\n隻腳嗰邊.\n見到,呵?") >= TUNING.writer_marks_min
    assert writer_marks("我们今天去北京。\n他说：好。\n什么?") < TUNING.writer_marks_min
    assert writer_marks("版本 1.2, 见 https://example.com/?a=1 。") == 0
