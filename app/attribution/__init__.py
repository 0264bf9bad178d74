"""Under what licence the content may be reused, whom to credit, how to cite an item, and the
medical disclaimer served with the guidance."""
