// The network view of an entity or plan page: /network?iri=… drawn with Cytoscape.js
// (server/static/cytoscape, vendored from npm). The section stays hidden when there is nothing
// to link (fewer than two things named). Clicking a node opens its page on this server.
(function () {
  "use strict";
  var canvas = document.getElementById("vetkg-network");
  if (!canvas || typeof window.cytoscape !== "function") {
    return;
  }
  var section = document.getElementById("network");
  var colours = { Organization: "#1f6feb", Programme: "#d97706", Industry: "#15803d" };

  function elements(data) {
    var nodes = data.nodes.map(function (n) {
      return { data: { id: n.id, label: n.label, kind: n.kind, href: n.href, measures: n.measures },
               classes: n.focus ? "focus" : "" };
    });
    var edges = data.edges.map(function (e, i) {
      return { data: { id: "e" + i, source: e.source, target: e.target, measures: e.measures } };
    });
    return nodes.concat(edges);
  }

  function draw(data) {
    section.hidden = false;
    var cy = window.cytoscape({
      container: canvas,
      elements: elements(data),
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 16, "text-valign": "bottom", "text-margin-y": 3,
          "font-family": "\"Noto Sans CJK SC\", \"Noto Sans SC\", \"WenQuanYi Micro Hei\", sans-serif",
          "width": "mapData(measures, 1, 12, 18, 50)", "height": "mapData(measures, 1, 12, 18, 50)",
          "background-color": function (n) { return colours[n.data("kind")] || "#6b7280"; },
          "text-wrap": "ellipsis", "text-max-width": 180 } },
        { selector: "node.focus", style: { "border-width": 3, "border-color": "#111827" } },
        { selector: "edge", style: {
          "width": "mapData(measures, 1, 6, 1, 6)", "line-color": "#9ca3af", "opacity": 0.7,
          "curve-style": "haystack" } }
      ],
      layout: { name: "cose", animate: false, randomize: true, nodeRepulsion: function () { return 400000; },
                idealEdgeLength: function () { return 70; }, nodeOverlap: 40, componentSpacing: 80,
                gravity: 0.5, numIter: 2000, padding: 24 }
    });
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
    window.vetkgNetwork = cy;
  }

  fetch(canvas.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (data && data.nodes && data.nodes.length >= 2) {
        draw(data);
      }
      window.vetkgNetworkLoaded = true;
    });
}());
