"""The explorer's two pictures, ready to draw: the evidence map, where each recommendation sits by
its two ratings and is marked by the evidence behind its advice, and the graph of links between
recommendations, mechanisms and studies."""

from collections import Counter
from dataclasses import dataclass

from app.evidence.public import CertaintyOut
from app.evidence.vocabulary import CERTAINTY_RANK, CERTAINTY_TERMS, Certainty
from app.explore import geometry
from app.explore.items import Entry, Section
from app.explore.kinds import EVIDENCE_KIND_LABELS, EVIDENCE_KIND_SHAPES, EvidenceKind
from app.explore.service import Explored, SlugPair

HEADLINE_QUESTION = "Does the advice help?"
RATIONALE_QUESTION = "Is the gut-brain reason given for it right?"
# Certainty levels from the bottom of an axis to its top.
LEVELS = sorted(Certainty, key=CERTAINTY_RANK.__getitem__)


@dataclass(frozen=True)
class Placed:
    """A recommendation to place on the map: its entry, its two ratings and its evidence."""

    entry: Entry
    headline: CertaintyOut
    rationale: CertaintyOut
    evidence: EvidenceKind


@dataclass(frozen=True)
class Marker:
    entry: Entry
    headline: CertaintyOut
    rationale: CertaintyOut
    evidence: EvidenceKind
    evidence_label: str
    mark: geometry.Mark


@dataclass(frozen=True)
class LegendKey:
    kind: EvidenceKind
    label: str
    count: int
    swatch: geometry.Mark


@dataclass(frozen=True)
class AxisTick:
    level: Certainty
    label: str
    at: float


@dataclass(frozen=True)
class EvidenceMap:
    layout: geometry.EvidenceMapLayout
    markers: list[Marker]
    legend: list[LegendKey]
    columns: list[AxisTick]
    rows: list[AxisTick]
    headline_question: str
    rationale_question: str

    def level_of(self, index: int) -> Certainty:
        return LEVELS[index]


@dataclass(frozen=True)
class Node:
    entry: Entry
    layout: geometry.GraphNode


@dataclass(frozen=True)
class Edge:
    kind: str
    source: str
    target: str
    path: str


@dataclass(frozen=True)
class Connection:
    """A link in words, for the graph's text alternative."""

    entry: Entry
    mechanisms: list[Entry]
    studies: list[Entry]


@dataclass(frozen=True)
class EvidenceGraph:
    layout: geometry.GraphLayout
    headings: list[str]
    nodes: list[Node]
    edges: list[Edge]
    connections: list[Connection]


def short_level(level: Certainty) -> str:
    """The level without the word "certainty", for axis ticks: the axis title says it."""
    return CERTAINTY_TERMS[level].label.removesuffix(" certainty")


def evidence_map(placed: list[Placed]) -> EvidenceMap:
    points = [
        (LEVELS.index(item.headline.code), LEVELS.index(item.rationale.code)) for item in placed
    ]
    layout = geometry.map_layout(points, len(LEVELS))
    radius = layout.marker_radius
    markers = [
        Marker(
            entry=item.entry,
            headline=item.headline,
            rationale=item.rationale,
            evidence=item.evidence,
            evidence_label=EVIDENCE_KIND_LABELS[item.evidence],
            mark=geometry.mark(EVIDENCE_KIND_SHAPES[item.evidence], cx, cy, radius),
        )
        for item, (cx, cy) in zip(placed, layout.centres, strict=True)
    ]
    counts = Counter(item.evidence for item in placed)
    legend = [
        LegendKey(
            kind,
            EVIDENCE_KIND_LABELS[kind],
            counts[kind],
            geometry.mark(EVIDENCE_KIND_SHAPES[kind], 10, 10, radius),
        )
        for kind in EvidenceKind
        if counts[kind]
    ]
    return EvidenceMap(
        layout=layout,
        markers=markers,
        legend=legend,
        columns=[
            AxisTick(level, short_level(level), at)
            for level, at in zip(LEVELS, layout.column_centres, strict=True)
        ],
        rows=[
            AxisTick(level, short_level(level), at)
            for level, at in zip(LEVELS, layout.row_centres, strict=True)
        ],
        headline_question=HEADLINE_QUESTION,
        rationale_question=RATIONALE_QUESTION,
    )


EDGE_KINDS = {
    ("recommendations", "mechanisms"): "recommendation-mechanism",
    ("recommendations", "studies"): "recommendation-study",
    ("mechanisms", "studies"): "mechanism-study",
}


def evidence_graph(sections: list[Section], explored: Explored) -> EvidenceGraph:
    """The sections' entries in three columns, joined where the association tables link them."""
    link_sets: list[tuple[str, str, list[SlugPair]]] = [
        ("recommendations", "mechanisms", explored.recommendation_mechanisms),
        ("recommendations", "studies", explored.recommendation_studies),
        ("mechanisms", "studies", explored.mechanism_studies),
    ]
    links = [
        (f"{left}/{a}", f"{right}/{b}", EDGE_KINDS[(left, right)])
        for left, right, pairs in link_sets
        for a, b in pairs
    ]
    layout = geometry.graph_layout(
        [[(entry.key, entry.title) for entry in section.entries] for section in sections],
        [(source, target) for source, target, _ in links],
    )
    entries = {entry.key: entry for section in sections for entry in section.entries}
    kinds = {(source, target): kind for source, target, kind in links}
    linked: dict[str, list[str]] = {}
    for source, target, _ in links:
        linked.setdefault(source, []).append(target)

    def linked_entries(key: str, kind: str) -> list[Entry]:
        return [entries[other] for other in linked.get(key, []) if other.startswith(f"{kind}/")]

    return EvidenceGraph(
        layout=layout,
        headings=[f"{section.heading} ({len(section.entries)})" for section in sections],
        nodes=[Node(entries[node.key], node) for node in layout.nodes],
        edges=[
            Edge(kinds[(edge.source, edge.target)], edge.source, edge.target, edge.path)
            for edge in layout.edges
        ],
        connections=[
            Connection(
                entry, linked_entries(entry.key, "mechanisms"), linked_entries(entry.key, "studies")
            )
            for section in sections[:2]
            for entry in section.entries
        ],
    )
