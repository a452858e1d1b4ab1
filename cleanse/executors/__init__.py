"""cleanse.executors"""
