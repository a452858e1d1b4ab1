"""The thresholds of `cjk_mojibake`, as data: every one enters the stage's identity
(`CjkMojibakeStage.config()` hashes `asdict(TUNING)`), so a run made with other values is a
different stage. Costs are -log10 probabilities from `model.py`; calibrated on the seeds and
the clean corpus (docs/repair.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LossyTuning:
    """UTF-8 read as GBK, whole runs, also lossy (`lossy.py`)."""

    min_run: int = 4  # characters of a run worth reading (two UTF-8 characters are three GBK ones)
    min_input_mean: float = 4.0  # the input must be implausible on its own
    max_reading_mean: float = 3.6  # and the reading plausible (a lost character costs slot_cost)
    max_lost_share: float = 0.35  # at most this share of the reading is lost
    min_gain: float = 8.0
    slot_cost: float = 3.0
    edge: int = 3  # characters tried on each side of a run's ends
    clean_max_cost: float = 4.5  # a common character (garbage of UTF-8 read as GBK is rare: 鎴戜滑浠婂ぉ)
    clean_always_cost: float = 2.5  # a very common character (的 了 是) reads as clean on its own
    clean_min_bigram: int = 3  # log2 count of the dictionary bigram it forms with a neighbour
    clean_punct: str = "，。、：；！？“”（）《》"  # punctuation next to a run is clean text


@dataclass(frozen=True)
class CrossTuning:
    """Big5 and GBK read as each other, whole runs, lossy (`big5.py`)."""

    min_run: int = 4
    min_known: int = 6  # readable characters (not U+FFFD) the input must have
    min_input_mean: float = 4.0  # the input must be implausible on its own (mean over readable characters)
    max_reading_mean: float = 3.6  # and the reading plausible (a lost character costs slot_cost)
    max_lost_share: float = 0.75  # Big5's commonest characters are GBK's user-defined area: ~40 % lost
    min_gain: float = 8.0
    slot_cost: float = 3.0
    edge: int = 3  # characters tried on each side of a run's ends
    lost_punct: str = "，。、：；！？「」『』（）《》〈〉…—．"  # punctuation a lost character may have been
    guess_margin: float = 2.0  # a lost character is restored when 100x more probable than the runner-up
    cover_bonus: float = 0.5  # per character covered: of two readings of almost equal gain, the wider


@dataclass(frozen=True)
class JapaneseTuning:
    """Lines whose kana are Japanese text, not debris (`japanese.py`)."""

    min_kana: int = 4
    min_share: float = 0.2  # of the line's Han and kana characters (script/family.py's JA_SHARE)
    kana_per_foreign: int = 20  # kana per Greek/Cyrillic/pinyin/bopomofo/box-drawing character or U+FFFD


@dataclass(frozen=True)
class Tuning:
    # the stage (stage.py): passes until the text stops changing (a cluster gets one edit, so
    # a second damage in it, or one that a repair next to it makes readable, needs another)
    max_passes: int = 4
    # suspects and the local window that dismisses them (suspects.py, clusters.py)
    suspect_min_cost: float = 5.0  # a character at least this rare is a suspect (suspect_re)
    cluster_gap: int = 4  # suspects at most this far apart form one cluster
    local_before: int = 2  # the local window: characters before a cluster
    local_after: int = 3  # and after it
    local_ok: float = 3.9  # a window around decoder debris (?, !, U+FFFD) with a lower mean cost is left alone
    local_ok_rare: float = 4.3  # the same for a window whose suspects are only rare characters
    explained_min_cost: float = 5.0  # a rare Han suspect is explained by a dictionary bigram...
    explained_min_bigram: int = 3  # ...of at least this log2 count with a neighbour
    # accepting a candidate (judge.py)
    min_gain: float = 8.0  # a repair must make the span at least 10**8 times more probable
    max_cand_mean: float = 3.8  # and the repaired span must itself read like text
    min_mean_drop: float = 1.4  # and be clearly better per character
    min_gain_letter: float = 4.5  # a short shift that realigns on an ASCII letter (`發宫F代` = 發[展]現代)
    short_letter_span: int = 3  # "short" for a letter end
    short_mark_span: int = 4  # "short" for a shift ended by the decoder's `?`
    literary_line_cost: float = 3.4  # a line whose Han characters cost this on average is literary or classical: a Han character before `?` there is text (repair._LiteraryLines)
    writer_marks_min: int = 2  # `.` after Han / `?` after a particle at clause ends: this many, and a `?` at a clause end is the writer's
    note_bonus: float = 6.0  # a decoded character confirmed by the pinyin note that follows it
    note_min_gain: float = 2.0  # gain needed (bonus included) when the note confirms the repair
    slots_only_min_cost: float = 4.0  # a Han character below this unigram cost is not replaced by lost characters alone
    bound_slack: float = 1e-6  # rounding allowance of the re-encoding bounds (reencode.py)
    # lost characters (lost.py)
    slot_cost: float = 3.0  # a lost character, counted like an ordinary character
    fill_penalty: float = 1.0  # a lost character read as its best filler pays for the choice among many
    candidate_max_cost: float = 5.5  # Han characters a lost byte may stand for: unigram cost below this
    guess_min_bigram: int = 6  # log2 dictionary count of a bigram that backs a restored character
    guess_margin: float = 0.4  # the best guess must be 10**0.4 times more probable than the runner-up
    marked_prior: float = 1.0  # log10 preference for a lost character consistent with the decoder's `?`
    noted_prior: float = 1.0  # log10 preference for a character annotated with the same note elsewhere
    lone_margin: float = 9.0  # the margin of a slot's only candidate
    lost_punct: str = "。，、：；“”《》！？"  # punctuation a lost character may have been (GBK A1xx/A3xx)
    # GBK shift (shift.py)
    shift_back: int = 24  # how far before its first suspect a shifted span may start
    approx_slack: float = 2.0  # approximate gain (right-hand link ignored) may be this much below min_gain_letter
    max_verify: int = 12  # exact judgements per sweep (x4 candidates looked at)
    start_jitter: int = 2  # starts judged on each side of a sweep candidate's start
    # re-encodings (reencode.py)
    window: int = 6  # how far a re-encoded span may extend beyond its suspects
    han_company: str = "，。、：；！？“”‘’（）《》「」『』…"  # a new Han character of a CJK re-reading needs one of these or a Han character beside it
    lossy: LossyTuning = field(default_factory=LossyTuning)
    cross: CrossTuning = field(default_factory=CrossTuning)
    japanese: JapaneseTuning = field(default_factory=JapaneseTuning)


TUNING = Tuning()
