"""Decoding: raw bytes → text, with the encoding and its confidence recorded."""

from cleanse.decoding.detect import Decoded, code_unit_layout, detect_and_decode
from cleanse.decoding.stage import DecodeStage, byte_offsets

__all__ = ["Decoded", "DecodeStage", "byte_offsets", "code_unit_layout", "detect_and_decode"]
