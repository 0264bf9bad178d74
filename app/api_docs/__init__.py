"""Interactive API documentation, Swagger UI and ReDoc, served from bundled assets."""
