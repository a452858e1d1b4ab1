"""cleanse.boilerplate"""
