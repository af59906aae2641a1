// The search page: suggestions from /api/suggest as one types, and the answer's chart drawn with ECharts.
// The answer itself is rendered on the server (the page works without this script); no inline script: CSP.
(function () {
  "use strict";

  function suggestions(input, list) {
    var timer = null, pending = null, active = -1;
    function items() { return list.querySelectorAll("li"); }
    function close() { list.hidden = true; list.textContent = ""; active = -1; input.removeAttribute("aria-activedescendant"); }
    function mark(i) {
      var all = items();
      active = i;
      all.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      if (all[i]) { input.setAttribute("aria-activedescendant", all[i].id); }
    }
    function choose(word) {
      // the word completes the last keyword typed
      var parts = input.value.split(/(\s+)/);
      parts[parts.length - 1] = word;
      input.value = parts.join("");
      close();
      input.focus();
    }
    function show(words) {
      list.textContent = "";
      active = -1;
      words.forEach(function (w, i) {
        var li = document.createElement("li");
        li.id = "suggestion-" + i;
        li.setAttribute("role", "option");
        li.textContent = w;
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(w); });
        list.appendChild(li);
      });
      list.hidden = words.length === 0;
    }
    function fetchFor(prefix) {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch("/api/suggest?q=" + encodeURIComponent(prefix), { signal: pending.signal })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (words) { if (input.value.split(/\s+/).pop() === prefix) { show(words); } })
        .catch(function () { /* aborted or offline: no suggestions */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var last = input.value.split(/\s+/).pop();
      if (!last) { close(); return; }
      timer = setTimeout(function () { fetchFor(last); }, 120);
    });
    input.addEventListener("keydown", function (ev) {
      var n = items().length;
      if (ev.key === "ArrowDown" && n) { ev.preventDefault(); mark((active + 1) % n); }
      else if (ev.key === "ArrowUp" && n) { ev.preventDefault(); mark((active - 1 + n) % n); }
      else if (ev.key === "Escape") { close(); }
      else if (ev.key === "Enter") {
        if (active >= 0 && n) { ev.preventDefault(); choose(items()[active].textContent); }
        else { clearTimeout(timer); close(); }   // Enter with no suggestion chosen searches
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function number(v) {
    if (typeof v === "number") { return v; }
    var x = parseFloat(String(v === null || v === undefined ? "" : v).replace(/[,%％]/g, ""));
    return isNaN(x) ? null : x;
  }

  function isRate(column) { return /rate|率|%|％/i.test(column); }

  // A category's name, with as many of the row's other columns as it takes to tell the rows apart
  // (a figure search's rows may share a name and differ in table, phase or body).
  function labelsOf(answer, spec) {
    var rows = answer.rows || [], used = [spec.label];
    function text(r, c) { return r[c] === null || r[c] === undefined ? "" : String(r[c]); }
    function distinct() { return new Set(rows.map(function (r) { return used.map(function (c) { return text(r, c); }).join(" · "); })).size; }
    (answer.columns || []).forEach(function (c) {
      if (used.indexOf(c) >= 0 || spec.values.indexOf(c) >= 0 || distinct() === rows.length) { return; }
      var before = distinct();
      used.push(c);
      if (distinct() === before) { used.pop(); }
    });
    // a part every row shares says nothing on the axis
    var telling = used.filter(function (c) { return new Set(rows.map(function (r) { return text(r, c); })).size > 1; });
    if (telling.length) { used = telling; }
    return rows.map(function (r) { return used.map(function (c) { return text(r, c); }).filter(Boolean).join(" · "); });
  }

  // Bars for the amounts, a line on a second axis for rates, and the threshold as a marked line on the axis
  // of what it bounds: a rate (the answer's rate column when the chart names none), else the amounts.
  function chartOption(answer) {
    var spec = answer.chart, rows = answer.rows || [];
    var labels = labelsOf(answer, spec);
    var rates = spec.values.filter(isRate), amounts = spec.values.filter(function (c) { return !isRate(c); });
    var hasThreshold = spec.threshold !== null && spec.threshold !== undefined;
    if (hasThreshold && !rates.length) {
      var rate = (answer.columns || []).filter(function (c) { return /^rate$|执行率/i.test(c); })[0];
      if (rate) { rates = [rate]; }
    }
    if (!amounts.length) { amounts = rates; rates = []; }
    var series = amounts.map(function (c) {
      return { name: c, type: "bar", data: rows.map(function (r) { return number(r[c]); }) };
    }).concat(rates.map(function (c) {
      return { name: c, type: "line", yAxisIndex: 1, data: rows.map(function (r) { return number(r[c]); }) };
    }));
    if (hasThreshold && series.length) {
      var target = rates.length ? series[amounts.length] : series[0];
      target.markLine = { symbol: "none", lineStyle: { color: "#c01c28", type: "dashed" },
        label: { formatter: "阈值 " + spec.threshold }, data: [{ yAxis: spec.threshold }] };
    }
    if (spec.kind === "by-subject" && amounts.length === 1 && !rates.length) {
      return { animation: false, tooltip: { trigger: "item" }, legend: { type: "scroll", bottom: 0 },
        series: [{ name: amounts[0], type: "pie", radius: ["30%", "65%"],
          data: rows.map(function (r, i) { return { name: labels[i], value: number(r[amounts[0]]) }; }) }] };
    }
    var yAxis = [{ type: "value", name: amounts.join(" / ") }];
    if (rates.length) { yAxis.push({ type: "value", name: rates.join(" / "), min: 0, splitLine: { show: false } }); }
    if (hasThreshold) {  // the threshold stays in view when every value is below it
      yAxis[rates.length ? 1 : 0].max = function (v) { return Math.ceil(Math.max(v.max, spec.threshold * 1.05) * 10) / 10; };
    }
    return {
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 60, right: rates.length ? 60 : 20, bottom: 90, top: 40 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0,
        width: labels.length > 6 ? 120 : Math.floor(860 / labels.length) - 10,
        overflow: labels.length > 6 ? "truncate" : "break" } },
      yAxis: yAxis, series: series
    };
  }

  function drawChart() {
    var el = document.getElementById("chart"), data = document.getElementById("answer-data");
    if (!el || !data || typeof echarts === "undefined") { return; }
    var answer = JSON.parse(data.textContent);
    if (!answer.chart || !(answer.rows || []).length) { el.hidden = true; return; }
    var chart = echarts.init(el);
    chart.setOption(chartOption(answer));
    window.addEventListener("resize", function () { chart.resize(); });
    window.kgChart = chart;
  }

  function start() {
    var input = document.getElementById("q"), list = document.getElementById("suggestions");
    if (input && list) { suggestions(input, list); }
    drawChart();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
