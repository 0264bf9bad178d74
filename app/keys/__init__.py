"""Editor API keys: issuing, listing and revoking them, and authenticating editor requests.

Editor routers come from `app.keys.auth.editor_router()`, which authenticates every route on
them; `app.keys.auth.requires(scope)` adds the scope an operation needs.
"""
