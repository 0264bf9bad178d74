"""Sparse fieldsets: `?fields=slug,title` answers with only the named members of each item.

The names are the top-level members of an operation's item schema (a list's item, or the detail),
given comma-separated; an unknown one is a 400 `invalid-parameter` problem listing the valid ones.
The `attribution` block and the medical `disclaimer` are kept whatever `fields` says. Only the
JSON representation is cut down: JSON-LD is a schema.org document with a shape of its
own, served whole whatever `fields` says (the ETag still differs, as the query does). In the
OpenAPI document the parameter is an array of the names (style form, explode false), and the
200 response is either the whole item or the sparse one, whose members are the same but none
required.
"""

import copy
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

from app.core.errors import InvalidParameter

PARAMETER = "fields"
SPARSE_SUFFIX = "Sparse"
EITHER_SUFFIX = "OrSparse"

FieldSelection = tuple[str, ...] | None
# Whoever republishes a cut-down item still owes its credit and its medical disclaimer.
ALWAYS_KEPT = ("attribution", "disclaimer")


def field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def selection(model: type[BaseModel]) -> Callable[..., Awaitable[FieldSelection]]:
    """A dependency reading `fields` for items of `model`: the names asked for, or None (async,
    as it only reads the query: a sync dependency costs a trip to the thread pool)."""
    names = field_names(model)

    async def dependency(
        fields: Annotated[
            str | None,
            Query(
                description="Only these members of each item, comma-separated, in the JSON"
                " representation (JSON-LD is served whole); the others are left out, except the"
                " `attribution` block and the `disclaimer`, which are always kept. Unknown"
                " names are refused with the valid ones listed.",
                examples=[names[:2]],
                # The document's parameter: the names as an array, sent comma-separated.
                json_schema_extra={
                    "type": "array",
                    "items": {"type": "string", "enum": names},
                    "minItems": 1,
                },
            ),
        ] = None,
    ) -> FieldSelection:
        if fields is None:
            return None
        asked = fields.split(",")
        unknown = sorted({name for name in asked if name not in names})
        if unknown:
            listed = ", ".join(f"`{name}`" if name else "an empty name" for name in unknown)
            raise InvalidParameter(
                f"`fields` names {listed}, which is not a member here; the valid names are"
                f" {', '.join(f'`{name}`' for name in names)}."
            )
        return tuple(dict.fromkeys(asked))

    return dependency


def only(body: dict[str, Any], chosen: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name in chosen or name in ALWAYS_KEPT}


def sparse_page(body: dict[str, Any], chosen: tuple[str, ...]) -> dict[str, Any]:
    return {**body, "items": [only(item, chosen) for item in body["items"]]}


def _sparse_component(schemas: dict[str, Any], name: str) -> str:
    """The name of `name`'s sparse twin, made on first use: a page's items are sparse, an
    item's members are optional but for those always kept."""
    sparse = f"{name}{SPARSE_SUFFIX}"
    if sparse not in schemas:
        schema = copy.deepcopy(schemas[name])
        items = schema.get("properties", {}).get("items", {}).get("items", {})
        if "cursor" in schema.get("properties", {}) and "$ref" in items:
            item_name = items["$ref"].rsplit("/", 1)[-1]
            items["$ref"] = f"#/components/schemas/{_sparse_component(schemas, item_name)}"
            schema["description"] = "A page of items with only the members `fields` names."
        else:
            kept = [member for member in ALWAYS_KEPT if member in schema.get("properties", {})]
            schema.pop("required", None)
            if kept:
                schema["required"] = kept
            schema["description"] = f"{name} with only the members `fields` names."
        schema["title"] = sparse
        schemas[sparse] = schema
    return sparse


def document_sparse_fields(document: dict[str, Any]) -> None:
    """`fields` as a comma-separated array, and each such operation's 200 as whole or sparse."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            parameters = operation.get("parameters", [])
            if not any(p["name"] == PARAMETER and p["in"] == "query" for p in parameters):
                continue
            for parameter in parameters:
                if parameter["name"] == PARAMETER:
                    parameter.update(style="form", explode=False)
            content = operation["responses"]["200"]["content"]["application/json"]
            whole = content["schema"]["$ref"].rsplit("/", 1)[-1]
            # A named component, as every success body is, for generated clients to name.
            either = f"{whole}{EITHER_SUFFIX}"
            schemas[either] = {
                "title": either,
                "description": f"{whole}, or with `fields` only the members it names.",
                "anyOf": [
                    {"$ref": f"#/components/schemas/{whole}"},
                    {"$ref": f"#/components/schemas/{_sparse_component(schemas, whole)}"},
                ],
            }
            content["schema"] = {"$ref": f"#/components/schemas/{either}"}
