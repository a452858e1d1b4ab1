"""cleanse.repair: encoding repair for Chinese text.

Stages, in pipeline order (slots 3-5):
- `FtfyStage` (`ftfy_zh`): ftfy with a Chinese-safe config behind an exact gate.
- `CjkMojibakeStage` (`cjk_mojibake`): GBK one-byte-off re-pairing, UTF-8/GBK/Big5/Latin-1
  re-encoding, lost-character restoration using surviving pinyin notes.
- `PinyinRubyStage` (`pinyin_ruby`): removes pinyin ruby residue `領(lǐng)` -> `領`.
"""

from cleanse.repair.ftfy_zh import FtfyStage, fix_text_zh
from cleanse.repair.cjk import CjkMojibakeStage, repair_mojibake
from cleanse.repair.pinyin import PinyinRubyStage, strip_ruby

__all__ = ["CjkMojibakeStage", "FtfyStage", "PinyinRubyStage", "fix_text_zh", "repair_mojibake", "strip_ruby"]
