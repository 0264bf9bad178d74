"""Rate limits per API key or client IP, advertised with the IETF RateLimit header fields."""
