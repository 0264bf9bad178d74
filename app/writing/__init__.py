"""The one write path for content: the seed loader and the editor API both write through it."""
