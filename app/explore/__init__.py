"""The evidence explorer: every published item on one page, with its evidence map and graph."""
