"""Every operation takes exactly the query parameters it declares.

A misspelt filter (`?lifestage=toddler`) silently ignored would answer with the wrong items, and
a repeated one (`?topic=sleep&topic=diet`) would answer for one of them only. Both are refused
with a 400 `invalid-parameter` problem instead. The declared parameters are read from the matched
route's dependencies, the same ones FastAPI documents, so no route lists them twice.
"""

from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi._compat import field_annotation_is_sequence
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.core.errors import InvalidParameter


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model of a query parameter declared as a whole model (`Annotated[Filters, Query()]`)."""
    if get_origin(annotation) is Union:
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        annotation = members[0] if len(members) == 1 else annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _query_fields(dependant: Dependant) -> Iterator[tuple[str, Any]]:
    """(name in the query string, annotation) of every query parameter, dependencies included."""
    for field in dependant.query_params:
        model = _model_of(field.field_info.annotation)
        if model is None:
            yield field.alias, field.field_info.annotation
        else:
            for name, info in model.model_fields.items():
                yield info.alias or name, info.annotation
    for sub_dependant in dependant.dependencies:
        yield from _query_fields(sub_dependant)


# Routes live as long as the app; APIRoute is not hashable, so they are remembered by id.
_DECLARED: dict[int, dict[str, bool]] = {}


def declared_query(route: APIRoute) -> dict[str, bool]:
    """The route's query parameters, each mapped to whether it may be repeated (a list)."""
    declared = _DECLARED.get(id(route))
    if declared is None:
        declared = _DECLARED[id(route)] = {
            name: field_annotation_is_sequence(annotation)
            for name, annotation in _query_fields(route.dependant)
        }
    return declared


async def refuse_undeclared_query(request: Request) -> None:
    """An app-wide dependency: a 400 problem for a query parameter the route does not declare,
    or for a single-valued one given more than once. Async, as it only reads the request: a
    sync dependency costs a trip to the thread pool."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    declared = declared_query(route)
    names = request.query_params.keys()
    unknown = sorted({name for name in names if name not in declared})
    if unknown:
        allowed = ", ".join(f"`{name}`" for name in sorted(declared)) or "none"
        raise InvalidParameter(
            f"Unknown query parameter {', '.join(f'`{name}`' for name in unknown)};"
            f" this operation takes {allowed}.",
        )
    repeated = sorted(
        {
            name
            for name in names
            if not declared[name] and len(request.query_params.getlist(name)) > 1
        }
    )
    if repeated:
        raise InvalidParameter(
            f"Query parameter {', '.join(f'`{name}`' for name in repeated)} given more than"
            " once; it takes one value."
        )
