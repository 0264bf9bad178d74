"""The editor API: authenticated writes through the one write path, workflow and revisions."""
