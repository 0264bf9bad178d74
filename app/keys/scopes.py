"""What an API key may do; an editor operation names the one scope it needs."""

from enum import StrEnum


class Scope(StrEnum):
    content_write = "content:write"
    content_publish = "content:publish"
    keys_admin = "keys:admin"
    webhooks_admin = "webhooks:admin"


SCOPE_DESCRIPTIONS = {
    Scope.content_write: "create and change draft content",
    Scope.content_publish: "publish and withdraw content",
    Scope.keys_admin: "issue, list and revoke API keys",
    Scope.webhooks_admin: "register, list, test and remove webhook endpoints",
}
