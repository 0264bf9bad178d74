"""Embeddable guidance cards and their oEmbed endpoint."""
