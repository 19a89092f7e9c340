"""Charts for print: the web page's Vega-Lite spec, rendered to SVG on the server.

Reports are read on paper and in PDF viewers, where vega-embed cannot run. :func:`chart_svg`
renders the very spec the web page draws (:func:`~saferspaces.charts.spec.chart_spec`: the same
rows, title, summary, palette) with vl-convert (Vega-Lite and Vega in an embedded JavaScript
engine, no browser, no network), with three changes for paper: a fixed width, the print font, and
the vendored world-atlas outlines inlined instead of fetched.

* **Accessible**: the ``<svg>`` carries ``role="img"``, a ``<title>`` (the chart's title) and a
  ``<desc>`` (its summary), named by ``aria-labelledby``; Vega's own roles inside are removed, so
  the picture is one image with a text alternative. Reports print the data table after it.
* **Deterministic**: the same chart gives the same bytes: the Vega-Lite version is pinned
  (:data:`VL_VERSION`), text is measured with the system's DejaVu and Liberation fonts (registered
  from :data:`FONT_DIRS`, never downloaded), no clock or random id is involved.
* **No network**: no external URL may be loaded (``allowed_base_urls=[]``).

The JavaScript engine starts with the first chart of a process (about 0.5 s); a chart then takes
about 0.1 s, and a spec rendered lately is taken from a small cache (:data:`CACHE_SIZE`): a
report's web page and then its PDF render each chart once. vl-convert is imported with the first
chart, not when Django starts.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.templatetags.static import static

from saferspaces.charts.spec import WORLD_ATLAS, Chart, chart_spec

#: the Vega-Lite version of the print renderer (vl-convert bundles several; pinned for the bytes)
VL_VERSION = "6.4"
PRINT_WIDTH = 640  # px: the width of a chart in the report's column
PRINT_FONT = "DejaVu Sans"
#: directories of the fonts the print charts are measured and drawn with (Debian's
#: fonts-dejavu-core and fonts-liberation, installed by CI); missing ones are skipped
FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/liberation",
)
STATIC_DIR = Path(__file__).resolve().parent / "static"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_PREFIXES = {XLINK_NS: "xlink", "http://www.w3.org/XML/1998/namespace": "xml"}
# what Vega writes for assistive technology on its own groups: the <svg> speaks for them all
_ARIA = ("role", "aria-roledescription", "aria-label", "aria-hidden")
# characters XML 1.0 cannot hold (control characters pasted from spreadsheets, lone surrogates)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ChartPrintError(RuntimeError):
    """A chart could not be rendered for print (the message names the chart)."""


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


# characters beyond the Basic Multilingual Plane (emoji, mathematical letters): Vega cuts a long
# label by UTF-16 code units, which can split one of them in two halves that vl-convert's text
# measurement then refuses, failing the whole chart
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def print_label(text: str) -> str:
    """A text of the chart's data as printed: without the characters XML cannot hold, and each
    character beyond the Basic Multilingual Plane shown as U+FFFD (the web page shows it)."""
    return _ASTRAL.sub("\ufffd", xml_text(text))


@functools.cache
def _converter() -> Any:
    """vl-convert, with the print fonts registered (once per process)."""
    import vl_convert

    for directory in FONT_DIRS:
        if Path(directory).is_dir():
            vl_convert.register_font_directory(directory)
    return vl_convert


@functools.cache
def _world_atlas() -> Any:
    return json.loads((STATIC_DIR / WORLD_ATLAS).read_text(encoding="utf-8"))


def _inline_static(node: Any, atlas_url: str) -> None:
    """Replace the world-atlas URL of every data block by the file's contents, in place."""
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and data.get("url") == atlas_url:
            node["data"] = {k: v for k, v in data.items() if k != "url"} | {
                "values": _world_atlas()
            }
        for value in node.values():
            _inline_static(value, atlas_url)
    elif isinstance(node, list):
        for value in node:
            _inline_static(value, atlas_url)


def chart_print_spec(chart: Chart, *, width: int = PRINT_WIDTH) -> dict[str, Any]:
    """The web page's spec (:func:`chart_spec`) with a fixed width, the print font, and local
    data instead of URLs. Texts lose the characters XML cannot hold."""
    spec = copy.deepcopy(chart_spec(chart))
    spec["width"] = width
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec["description"] = xml_text(chart.summary)
    spec["data"]["values"] = [
        {k: print_label(v) if isinstance(v, str) else v for k, v in row.items()}
        for row in spec["data"]["values"]
    ]
    spec["config"]["font"] = PRINT_FONT
    _inline_static(spec, static(WORLD_ATLAS))
    return spec


def _accessible(svg: str, chart: Chart) -> str:
    """The SVG as one image named by the chart's title and described by its summary."""
    try:
        root = ET.fromstring(xml_text(svg))  # noqa: S314 - vl-convert's output
    except ET.ParseError as exc:
        raise ChartPrintError(f"chart {chart.id!r}: the SVG is not well-formed: {exc}") from exc
    for element in root.iter():
        for name in _ARIA:
            element.attrib.pop(name, None)
    base = f"chart-{chart.id}"
    root.set("id", base)
    root.set("class", "report-chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{base}-title {base}-desc")
    title = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{base}-title"})
    title.text = xml_text(chart.title)
    desc = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{base}-desc"})
    desc.text = xml_text(chart.summary)
    root.insert(0, desc)
    root.insert(0, title)
    out: list[str] = []
    _write(root, out)
    return "".join(out)


def _name(qualified: str) -> str:
    """``{namespace}local`` -> ``local`` (SVG) or ``xlink:local``."""
    if qualified.startswith("{"):
        namespace, local = qualified[1:].split("}", 1)
        return local if namespace == SVG_NS else f"{_PREFIXES.get(namespace, 'ns')}:{local}"
    return qualified


def _write(element: ET.Element, out: list[str]) -> None:
    """Serialise ``element`` with the SVG namespace as the default one. ElementTree's own
    serialiser takes prefixes from a registry that is global to the process (WeasyPrint writes
    in it), so the same tree could come out as ``<ns0:svg>``: not here."""
    tag = _name(element.tag)
    attributes = "".join(f" {_name(k)}={quoteattr(v)}" for k, v in element.attrib.items())
    if tag == "svg" and element.tag == f"{{{SVG_NS}}}svg" and not out:
        attributes = f' xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"' + attributes
    children = list(element)
    if not children and not element.text:
        out.append(f"<{tag}{attributes}/>")
    else:
        out.append(f"<{tag}{attributes}>{escape(element.text or '')}")
        for child in children:
            _write(child, out)
        out.append(f"</{tag}>")
    if element.tail:
        out.append(escape(element.tail))


CACHE_SIZE = 32  # rendered specs kept per process (a report's web page, then its PDF)
_rendered: OrderedDict[str, str] = OrderedDict()
_rendered_lock = threading.Lock()


def _vega_svg(spec: dict[str, Any], chart_id: str) -> str:
    """vl-convert's SVG of ``spec``, from the process's small cache when the same spec was
    rendered lately (the output depends on the spec alone: the same spec, the same bytes)."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, allow_nan=False)
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with _rendered_lock:
        if key in _rendered:
            _rendered.move_to_end(key)
            return _rendered[key]
    try:
        svg = str(_converter().vegalite_to_svg(text, vl_version=VL_VERSION, allowed_base_urls=[]))
    except ValueError as exc:
        raise ChartPrintError(f"chart {chart_id!r} could not be rendered: {exc}") from exc
    with _rendered_lock:
        _rendered[key] = svg
        while len(_rendered) > CACHE_SIZE:
            _rendered.popitem(last=False)
    return svg


def chart_svg(chart: Chart, *, width: int = PRINT_WIDTH) -> str:
    """The chart as an accessible SVG element (for inline use in HTML and PDF reports).

    Raises :class:`ChartPrintError` when the spec cannot be rendered (a programming error:
    charts are defined in code, and their rows are data, never spec)."""
    return _accessible(_vega_svg(chart_print_spec(chart, width=width), chart.id), chart)
