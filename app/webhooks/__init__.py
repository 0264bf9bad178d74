"""Signed webhooks: partners register endpoints and receive every public change as an event
signed per the Standard Webhooks specification, delivered from the change log at least once and
in order per endpoint.
"""
