"""Decoding: raw bytes → text, with the encoding and its confidence recorded."""

from cleanse.decoding.detect import Decoded, detect_and_decode
from cleanse.decoding.stage import DecodeStage, byte_offsets

__all__ = ["Decoded", "DecodeStage", "byte_offsets", "detect_and_decode"]
