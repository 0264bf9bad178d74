"""Tips for mobile apps: one short card per published recommendation, and a tip of the day."""
