"""cleanse.decoding"""
