"""cleanse.io"""
