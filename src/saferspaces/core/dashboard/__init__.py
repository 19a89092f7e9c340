"""Reading scores without ranking them (pure Python): gaps, peer bands, peer criteria, progress.

Public API: :func:`gap_read`, :func:`peer_band`, :func:`peer_band_place`, :func:`distribution_summary`,
:func:`peer_filter_build`, :func:`peer_filter_match`, :func:`change_read`, :func:`changes_up`,
:func:`nodes_comparable`. See ``docs/methodology.md``, "Reading scores". Nothing here computes an
ordinal position: an authority is placed in a band (below, within or above the interquartile
range of its peers), and groups smaller than the minimum are never summarised.
"""

from .bands import Distribution, PeerBand, distribution_summary, peer_band, peer_band_place
from .gap import GAP_CODES, GapReading, gap_read
from .peers import (
    CRITERIA,
    PeerCriteria,
    PeerFacts,
    PeerFilter,
    peer_filter_build,
    peer_filter_match,
)
from .progress import Change, ComparableNode, change_read, changes_up, nodes_comparable

__all__ = [
    "CRITERIA",
    "GAP_CODES",
    "Change",
    "ComparableNode",
    "Distribution",
    "GapReading",
    "PeerBand",
    "PeerCriteria",
    "PeerFacts",
    "PeerFilter",
    "change_read",
    "changes_up",
    "distribution_summary",
    "gap_read",
    "nodes_comparable",
    "peer_band",
    "peer_band_place",
    "peer_filter_build",
    "peer_filter_match",
]
