"""Route entries of the permission matrix, one module per app (see ``site_matrix.py``)."""
