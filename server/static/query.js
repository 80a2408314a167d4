// The query page: YASGUI against this server's /sparql, with the example queries as a menu.
// Every file it needs is served from /static: the machines it runs on have no internet.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("vetkg-query-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;

  function prefixLines(prefixes) {
    return Object.keys(prefixes).map(function (p) {
      return "PREFIX " + p + ": <" + prefixes[p] + ">";
    }).join("\n");
  }

  var defaultQuery = prefixLines(config.prefixes) +
    "\n\nSELECT ?s ?label WHERE {\n  ?s rdfs:label ?label .\n} LIMIT 20\n";

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    // A shared link (/?query=…) still opens its query, but never its endpoint=: a link must not
    // make this page send a query, or a visitor's data, to another server.
    populateFromUrl: function (tabConfig) {
      tabConfig.requestConfig = tabConfig.requestConfig || {};
      tabConfig.requestConfig.endpoint = endpoint;
      return tabConfig;
    },
    copyEndpointOnNewTab: true,
    // A tab from an earlier visit would point at another server's endpoint; start clean per page.
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: {
      value: defaultQuery,
      // The remote completers ask prefix.cc and LOV, which this network cannot reach.
      autocompleters: ["variables", "prefixes"],
      prefixCcApi: null,
      resizeable: true,
      editorHeight: "300px"
    },
    yasr: { defaultPlugin: "table", prefixes: config.prefixes }
  });

  var byName = {};
  config.examples.forEach(function (ex) { byName[ex.name] = ex; });

  function openExample(name) {
    var ex = byName[name];
    if (!ex) { return; }
    var title = config.lang === "en" ? ex.title_en : ex.title;
    var existing = yasgui.tabNameTaken(title);
    var tab = existing || yasgui.addTab(true, { name: title, yasqe: { value: ex.query } });
    yasgui.selectTabId(tab.getId());
    var yasqe = tab.getYasqe();
    if (yasqe && yasqe.getValue() !== ex.query) { yasqe.setValue(ex.query); }
    if (yasqe) { yasqe.query(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () { openExample(button.getAttribute("data-example")); });
  });
  // Result cells link IRIs as they are; ours are served here, so follow them here, not to w3id.org
  // (which this network may not reach, and which may point at another deployment).
  function localHref(href) {
    if (href.indexOf(config.ontology) === 0) {
      return "/ontology" + href.slice(config.ontology.length).replace(/^[^#]*/, "");
    }
    if (href.indexOf(config.base) === 0 && href.length > config.base.length) {
      return "/" + href.slice(config.base.length);
    }
    return null;
  }
  function rewrite(event) {
    var anchor = event.target.closest && event.target.closest(".yasr a[href]");
    if (!anchor) { return; }
    var local = localHref(anchor.getAttribute("href"));
    if (local) { anchor.setAttribute("href", local); anchor.removeAttribute("target"); }
  }
  document.addEventListener("mousedown", rewrite, true);
  document.addEventListener("click", rewrite, true);
  document.addEventListener("focusin", rewrite, true);

  window.vetkgOpenExample = openExample;
  window.vetkgYasgui = yasgui;
})();
