"""Qt-free. The component graph and the queries on it."""
from rackstudio.graph import queries
from rackstudio.graph.component_graph import ComponentGraph

__all__ = ["ComponentGraph", "queries"]
