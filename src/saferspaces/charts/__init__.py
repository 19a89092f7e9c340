"""Charts of every page and report, each defined once (``spec``), drawn in the browser with
vega-embed (template tags ``{% load charts %}``), rendered to SVG for print (``printing``) and
given as a data table and CSV/XLSX downloads (``tables``). No models."""
