"""Full-text search over published recommendations, mechanisms and studies."""
