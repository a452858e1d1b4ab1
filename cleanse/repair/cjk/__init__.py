"""CJK mojibake repair (`cjk_mojibake`): the Chinese encoding damage that ftfy does not try.

One module per concern (docs/repair.md):
- `suspects`: the characters that make a span worth a look; `clusters`: suspects grouped, and
  the local test that dismisses most of them.
- Damage families, each with its entry point: `shift` (`gbk_shift`: GBK lost a lead byte,
  `shift_edits`, `short_shift_candidates`), `reencode` (a span's bytes read with the wrong
  codec: `utf8_as_gbk`, `big5_as_gbk`, `gbk_as_big5`, `gbk_as_latin1`, `gbk_as_cp1252`,
  `big5_as_latin1`; `reencode_candidates`), `lossy` (`utf8_as_gbk_run`: whole runs of UTF-8
  read as GBK, also with U+FFFD or dropped bytes; `utf8_run_repairs`), `big5`
  (`big5_as_gbk_run`, `gbk_as_big5_run`: whole runs of Big5 and GBK read as each other with
  U+FFFD; `cross_run_repairs`).
- `lost`: lost characters (the trail byte of a lost lead, a lead whose partner was lost,
  `?(bào)` debris) restored only where context pins them down (`lost_char_guess`), else
  removed; `notes`: pinyin notes as evidence.
- `judge`: a candidate is accepted only when far more plausible than the input (`model.py`).
- `find`: the edits of a text; `repair`: `repair_mojibake`; `stage`: `CjkMojibakeStage`.
- `kinds`: the repair kinds; `tuning`: every threshold, as data (`TUNING`, in `config()`);
  `codes`: byte tables of the codecs.
"""

from cleanse.repair.cjk.repair import repair_mojibake
from cleanse.repair.cjk.stage import CjkMojibakeStage

__all__ = ["CjkMojibakeStage", "repair_mojibake"]
