// The query page: YASGUI on this server's endpoint, with the named queries as examples (no inline script: CSP).
(function () {
  "use strict";
  function start() {
    var examples = JSON.parse(document.getElementById("example-data").textContent);
    var prefixes = JSON.parse(document.getElementById("prefix-data").textContent);
    var endpoint = new URL("/sparql", window.location.href).href;
    var first = window.location.hash.slice(1);
    // #query=… (the search page's link, YASGUI's own form) opens that query; #name a named query
    var given = new URLSearchParams(first).get("query");
    var initial = given ? { sparql: given } : examples.find(function (q) { return q.name === first; }) || examples[0];
    Yasgui.Yasqe.defaults.value = initial ? initial.sparql : "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
    var yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST", acceptHeaderSelect: "application/sparql-results+json" },
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      persistenceId: null,
      yasqe: { value: initial ? initial.sparql : "" }
    });
    window.kgYasgui = yasgui;
    var tab = yasgui.getTab();
    if (initial) { tab.setQuery(initial.sparql); }
    // a named query's prefixes are predeclared on the server; the ones it uses are written into it, so that
    // YASQE does not flag them and the text runs on any endpoint
    function declare(t, text) {
      var used = {};
      Object.keys(prefixes).forEach(function (p) {
        if (new RegExp("(^|[^\\w:])" + p + ":").test(text)) { used[p] = prefixes[p]; }
      });
      try { t.getYasqe().addPrefixes(used); } catch (e) { /* older YASQE: the server knows them anyway */ }
    }
    if (initial) { declare(tab, initial.sparql); }
    if (given) { tab.query(); }
    document.querySelectorAll("[data-example]").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        var q = examples.find(function (x) { return x.name === a.dataset.example; });
        if (!q) { return; }
        history.replaceState(null, "", "#" + q.name);
        var t = yasgui.getTab();
        t.setQuery(q.sparql);
        declare(t, q.sparql);
        t.query();
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
