"""cleanse.normalization"""
