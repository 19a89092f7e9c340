"""Scores of assessments, computed by the engine (see ``saferspaces.core.assessment``)."""
