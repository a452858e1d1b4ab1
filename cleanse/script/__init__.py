"""cleanse.script"""
