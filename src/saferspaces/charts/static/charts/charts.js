/* Safer Spaces charts: draw every figure.chart with the vendored Vega-Lite, CSP-safe.
 *
 * Each figure carries its Vega-Lite spec in a <script type="application/json"> block (Django's
 * json_script). Vega normally compiles expressions with `new Function`, which the site's
 * Content-Security-Policy forbids; `ast: true` makes Vega-Lite/Vega produce expression syntax trees
 * that the interpreter (vega-interpreter, bundled in vega-embed) evaluates instead.
 * Without JavaScript the figure keeps its summary, data table and CSV/XLSX links; the chart area and
 * the SVG/PNG buttons (translated in the HTML, hidden until now) only appear once the chart is drawn.
 */
(function () {
  "use strict";

  var RENDERED = "chartRendered";

  function embedOptions() {
    var options = {
      renderer: "svg",
      actions: false,
      ast: true,
      defaultStyle: false, // vega-embed would inject a <style> element (CSP: style-src 'self')
      tooltip: { disableDefaultStyle: true, theme: "light" } // styled in charts.css instead
    };
    if (window.vega && window.vega.expressionInterpreter) {
      options.expr = window.vega.expressionInterpreter;
    }
    return options;
  }

  function download(url, filename) {
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function wireButtons(figure, view) {
    var stem = figure.dataset.chartFilename || figure.id || "chart";
    figure.querySelectorAll("button[data-chart-download]").forEach(function (button) {
      var format = button.dataset.chartDownload;
      button.addEventListener("click", function () {
        button.disabled = true;
        view
          .toImageURL(format, format === "png" ? 2 : 1)
          .then(function (url) {
            download(url, stem + "." + format);
            if (url.indexOf("blob:") === 0) {
              window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
            }
          })
          .catch(function (error) {
            console.error("Chart " + figure.id + ": could not export " + format, error);
          })
          .then(function () {
            button.disabled = false;
          });
      });
      button.hidden = false;
    });
  }

  function renderFigure(figure) {
    if (figure.dataset[RENDERED]) {
      return;
    }
    figure.dataset[RENDERED] = "pending";
    var source = document.getElementById(figure.dataset.chartSpec);
    var container = figure.querySelector(".chart-view");
    if (!source || !container) {
      return;
    }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      console.error("Chart " + figure.id + ": the spec is not valid JSON", error);
      return;
    }
    container.hidden = false; // "width: container" needs a laid-out element
    window
      .vegaEmbed(container, spec, embedOptions())
      .then(function (result) {
        // The container (role="img") carries the name and description; the data table is the
        // text alternative. The drawing itself is hidden from assistive technology.
        container.querySelectorAll("svg").forEach(function (svg) {
          svg.setAttribute("aria-hidden", "true");
          svg.setAttribute("focusable", "false");
        });
        figure.dataset[RENDERED] = "yes";
        figure.classList.add("chart-drawn");
        wireButtons(figure, result.view);
      })
      .catch(function (error) {
        container.hidden = true;
        figure.dataset[RENDERED] = "failed";
        console.error("Chart " + figure.id + ": could not be drawn", error);
      });
  }

  function renderAll(root) {
    if (!window.vegaEmbed) {
      return;
    }
    (root || document).querySelectorAll("figure.chart").forEach(renderFigure);
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderAll(document);
  });
  document.addEventListener("htmx:afterSettle", function () {
    renderAll(document);
  });
  if (document.readyState !== "loading") {
    renderAll(document);
  }
})();
