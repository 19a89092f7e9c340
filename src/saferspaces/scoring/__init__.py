"""Scoring: the Django side of the scoring engine (``saferspaces index ...``)."""
