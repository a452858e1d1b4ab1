"""cleanse.repair"""
