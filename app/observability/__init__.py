"""Metrics (Prometheus) and structured logs: what the service tells its operators."""
