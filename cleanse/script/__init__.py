"""cleanse.script: exact OpenCC script conversion (Traditional <-> Simplified and regional
variants), fast, plus script detection and a pipeline stage that records what it did.

    >>> from cleanse.script import convert
    >>> convert("乾安縣擡頭")
    '乾安县抬头'
"""

from cleanse.script.convert import convert, get_converter
from cleanse.script.detect import detect_script, script_sets, traditional_only_chars
from cleanse.script.dictionaries import available_configs
from cleanse.script.stage import ConvertStage, convert_edit

__all__ = [
    "ConvertStage", "available_configs", "convert", "convert_edit", "detect_script", "get_converter",
    "script_sets", "traditional_only_chars",
]
