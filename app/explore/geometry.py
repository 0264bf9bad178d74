"""Where things go in the explorer's two pictures: pure arithmetic on counts and positions, in
SVG user units, so the same content always draws the same picture.

The evidence map is a grid of cells, one per pair of levels; markers sharing a cell are set out
on a small grid of their own, never on top of each other. The connection graph has one column of
labelled boxes per kind, joined by curves.
"""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

ELLIPSIS = "…"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def centre_y(self) -> float:
        return self.y + self.height / 2


def number(value: float) -> str:
    """A coordinate as SVG text: at most two decimals, no trailing zeros."""
    return f"{round(value, 2):g}"


# The evidence map.

MAP_LEFT = 118  # room for the row labels and the vertical axis title
MAP_TOP = 12
MAP_RIGHT = 14
MAP_BOTTOM = 68  # room for the column labels and the horizontal axis title
CELL_WIDTH = 124
MIN_CELL_HEIGHT = 66
CELL_PADDING = 10
MARKER_PITCH = 26
MARKER_RADIUS = 9
MARKERS_PER_ROW = int((CELL_WIDTH - 2 * CELL_PADDING) // MARKER_PITCH)


@dataclass(frozen=True)
class MapCell:
    column: int
    row: int
    box: Box


@dataclass(frozen=True)
class EvidenceMapLayout:
    width: float
    height: float
    plot: Box
    cells: list[MapCell]
    centres: list[tuple[float, float]]
    """One marker centre per point, in the order the points were given."""
    column_centres: list[float]
    row_centres: list[float]
    marker_radius: float


def map_layout(points: Sequence[tuple[int, int]], levels: int) -> EvidenceMapLayout:
    """Cells for `levels` columns and rows, row 0 at the bottom, and a centre for each point
    (column, row). Every cell is as tall as the most crowded one needs, so the axes stay even."""
    counts = Counter(points)
    crowd = max(counts.values(), default=0)
    lines = math.ceil(crowd / MARKERS_PER_ROW)
    cell_height = max(MIN_CELL_HEIGHT, lines * MARKER_PITCH + 2 * CELL_PADDING)
    plot = Box(MAP_LEFT, MAP_TOP, levels * CELL_WIDTH, levels * cell_height)
    cells = [
        MapCell(
            column,
            row,
            Box(
                plot.x + column * CELL_WIDTH,
                plot.bottom - (row + 1) * cell_height,
                CELL_WIDTH,
                cell_height,
            ),
        )
        for row in range(levels)
        for column in range(levels)
    ]
    box_of = {(cell.column, cell.row): cell.box for cell in cells}
    seen: dict[tuple[int, int], int] = {}
    centres = []
    for point in points:
        index = seen.get(point, 0)
        seen[point] = index + 1
        centres.append(_slot(box_of[point], index, counts[point]))
    return EvidenceMapLayout(
        width=plot.right + MAP_RIGHT,
        height=plot.bottom + MAP_BOTTOM,
        plot=plot,
        cells=cells,
        centres=centres,
        column_centres=[plot.x + (column + 0.5) * CELL_WIDTH for column in range(levels)],
        row_centres=[plot.bottom - (row + 0.5) * cell_height for row in range(levels)],
        marker_radius=MARKER_RADIUS,
    )


def _slot(cell: Box, index: int, count: int) -> tuple[float, float]:
    """The centre of the index-th of `count` markers in a cell: rows of MARKERS_PER_ROW, left to
    right and top to bottom, the block centred in the cell."""
    columns = min(count, MARKERS_PER_ROW)
    lines = math.ceil(count / MARKERS_PER_ROW)
    left = cell.x + (cell.width - columns * MARKER_PITCH) / 2
    top = cell.y + (cell.height - lines * MARKER_PITCH) / 2
    line, place = divmod(index, MARKERS_PER_ROW)
    return left + (place + 0.5) * MARKER_PITCH, top + (line + 0.5) * MARKER_PITCH


class Shape(StrEnum):
    square = "square"
    diamond = "diamond"
    triangle = "triangle"
    circle = "circle"
    hexagon = "hexagon"
    cross = "cross"


@dataclass(frozen=True)
class Mark:
    """One SVG element: its tag and attributes."""

    tag: str
    attributes: list[tuple[str, str]]


def _polygon(points: Sequence[tuple[float, float]]) -> Mark:
    return Mark("polygon", [("points", " ".join(f"{number(x)},{number(y)}" for x, y in points))])


def mark(shape: Shape, cx: float, cy: float, radius: float) -> Mark:
    """A shape centred on (cx, cy) that fits in a circle of `radius`."""
    if shape is Shape.circle:
        return Mark("circle", [("cx", number(cx)), ("cy", number(cy)), ("r", number(radius))])
    if shape is Shape.square:
        side = radius * 1.6
        return Mark(
            "rect",
            [
                ("x", number(cx - side / 2)),
                ("y", number(cy - side / 2)),
                ("width", number(side)),
                ("height", number(side)),
            ],
        )
    if shape is Shape.diamond:
        return _polygon(
            [(cx, cy - radius), (cx + radius, cy), (cx, cy + radius), (cx - radius, cy)]
        )
    if shape is Shape.triangle:
        half = radius * math.sqrt(3) / 2
        return _polygon(
            [(cx, cy - radius), (cx + half, cy + radius / 2), (cx - half, cy + radius / 2)]
        )
    if shape is Shape.hexagon:
        angles = [math.pi / 6 + step * math.pi / 3 for step in range(6)]
        return _polygon([(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles])
    return _polygon([(cx + x, cy + y) for x, y in _cross(radius)])


def _cross(radius: float) -> list[tuple[float, float]]:
    """The twelve corners of an ×: a plus sign whose arm ends touch the circle, turned 45°."""
    half_width = radius * 0.3
    reach = math.sqrt(radius**2 - half_width**2)
    w, r = half_width, reach
    plus = [(-w, -r), (w, -r), (w, -w), (r, -w), (r, w), (w, w)]
    plus += [(w, r), (-w, r), (-w, w), (-r, w), (-r, -w), (-w, -w)]
    turn = math.sqrt(0.5)
    return [((x - y) * turn, (x + y) * turn) for x, y in plus]


# The connection graph.

GRAPH_WIDTH = 960
COLUMN_WIDTH = 262
GRAPH_HEADER = 40
GRAPH_FOOTER = 8
NODE_HEIGHT = 24
NODE_PITCH = 30
LABEL_PADDING = 8
# A generous average advance of the label font (13 units), so that labels fit their boxes.
CHAR_WIDTH = 7.0
LABEL_CHARS = int((COLUMN_WIDTH - 2 * LABEL_PADDING) // CHAR_WIDTH)


def truncate(text: str, limit: int = LABEL_CHARS) -> str:
    """The text, cut at a word where one ends near the limit, with an ellipsis if it was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    word_end = cut.rfind(" ")
    if word_end >= limit * 2 // 3:
        cut = cut[:word_end]
    return cut.rstrip(" ,;:–-") + ELLIPSIS


@dataclass(frozen=True)
class GraphNode:
    key: str
    column: int
    box: Box
    label: str

    @property
    def label_x(self) -> float:
        return self.box.x + LABEL_PADDING

    @property
    def label_y(self) -> float:
        return self.box.centre_y


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    path: str


@dataclass(frozen=True)
class GraphLayout:
    width: float
    height: float
    column_x: list[float]
    column_width: float
    header_y: float
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def _ordered(
    column: Sequence[str], neighbours: dict[str, list[str]], position: dict[str, float]
) -> list[str]:
    """The column sorted by the mean position of each key's neighbours already placed, which
    keeps lines short and crossings few; keys with none keep their order, after the rest."""

    def place(indexed: tuple[int, str]) -> tuple[float, int]:
        index, key = indexed
        placed = [position[other] for other in neighbours.get(key, []) if other in position]
        return (sum(placed) / len(placed) if placed else math.inf, index)

    return [key for _, key in sorted(enumerate(column), key=place)]


def graph_layout(
    columns: Sequence[Sequence[tuple[str, str]]], links: Sequence[tuple[str, str]]
) -> GraphLayout:
    """Boxes for (key, title) pairs in columns left to right, and a curve for each link between
    keys of different columns, from the box on the left to the box on the right.

    The first column keeps its order; each later one is ordered by where its neighbours in the
    columns before it sit. The longest column sets the height; shorter ones are spread over it.
    """
    count = len(columns)
    gap = (GRAPH_WIDTH - count * COLUMN_WIDTH) / max(1, count - 1)
    column_x = [index * (COLUMN_WIDTH + gap) for index in range(count)]
    longest = max((len(column) for column in columns), default=0)
    height = GRAPH_HEADER + longest * NODE_PITCH + GRAPH_FOOTER
    titles = {key: title for column in columns for key, title in column}
    neighbours: dict[str, list[str]] = {}
    for source, target in links:
        neighbours.setdefault(source, []).append(target)
        neighbours.setdefault(target, []).append(source)

    position: dict[str, float] = {}
    nodes: list[GraphNode] = []
    for index, column in enumerate(columns):
        keys = [key for key, _ in column]
        if index > 0:
            keys = _ordered(keys, neighbours, position)
        slot = (height - GRAPH_HEADER - GRAPH_FOOTER) / max(1, len(keys))
        for place, key in enumerate(keys):
            centre = GRAPH_HEADER + (place + 0.5) * slot
            position[key] = centre / height
            box = Box(column_x[index], centre - NODE_HEIGHT / 2, COLUMN_WIDTH, NODE_HEIGHT)
            nodes.append(GraphNode(key, index, box, truncate(titles[key])))

    by_key = {node.key: node for node in nodes}
    edges = []
    for source, target in links:
        left, right = sorted((by_key[source], by_key[target]), key=lambda node: node.column)
        if left.column != right.column:
            edges.append(GraphEdge(source, target, _curve(left.box, right.box)))
    return GraphLayout(
        width=GRAPH_WIDTH,
        height=height,
        column_x=column_x,
        column_width=COLUMN_WIDTH,
        header_y=GRAPH_HEADER / 2,
        nodes=nodes,
        edges=edges,
    )


def _curve(left: Box, right: Box) -> str:
    """A cubic curve from the middle of one box's right side to the middle of the other's left
    side, leaving and arriving horizontally."""
    x1, y1, x2, y2 = left.right, left.centre_y, right.x, right.centre_y
    bend = (x2 - x1) / 2
    points = [(x1 + bend, y1), (x2 - bend, y2), (x2, y2)]
    return f"M {number(x1)} {number(y1)} C " + ", ".join(
        f"{number(x)} {number(y)}" for x, y in points
    )
