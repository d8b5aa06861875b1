/**
 * The dashboard: one page, no framework, charts drawn as SVG by the script below from the
 * node's event stream (/events). Kept as text here (no backticks, no `${`, no backslashes in
 * it) so the node serves it without a file beside the bundle; test/browser/ drives it.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>resource-node</title>
<style>
  :root { --fg:#1d2330; --muted:#667085; --line:#d0d5dd; --bg:#f7f8fa; --card:#fff; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, sans-serif; color:var(--fg); background:var(--bg); }
  header { display:flex; align-items:baseline; gap:24px; padding:12px 20px; background:#1d2330; color:#fff; flex-wrap:wrap; }
  header h1 { font-size:18px; margin:0; }
  header .stat b { font-size:20px; margin-left:6px; }
  #conn { margin-left:auto; font-size:12px; color:#b3bac5; }
  main { display:grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap:14px; padding:14px 20px; }
  section { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:10px 14px; min-width:0; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:0 0 8px; }
  svg { width:100%; height:auto; display:block; }
  svg text { font-size:11px; fill:var(--muted); }
  .legend span { display:inline-block; margin-right:14px; font-size:12px; }
  .legend i { display:inline-block; width:10px; height:10px; margin-right:4px; border-radius:2px; }
  table { width:100%; border-collapse:collapse; font-size:12.5px; }
  th, td { text-align:left; padding:3px 8px 3px 0; border-bottom:1px solid #eef0f3; white-space:nowrap; }
  th { color:var(--muted); font-weight:600; }
  td.num, th.num { text-align:right; }
  .more { color:var(--muted); font-size:12px; padding-top:4px; }
  .scroll { max-height:320px; overflow:auto; }
  .bar { position:relative; height:12px; background:#eef0f3; border-radius:3px; min-width:120px; }
  .bar > div { position:absolute; left:0; top:0; bottom:0; border-radius:3px; }
  .bar > div.over { background:#d92d20 !important; }
  .res { display:flex; gap:18px; flex-wrap:wrap; }
  .res > div { min-width:150px; }
  .res b { font-size:18px; }
</style>
</head>
<body>
<header>
  <h1>resource-node</h1>
  <span class="stat">allocations<b id="stat-allocations">0</b></span>
  <span class="stat">waiting<b id="stat-waiting">0</b></span>
  <span class="stat">grants<b id="stat-grants">0</b></span>
  <span class="stat">releases<b id="stat-releases">0</b></span>
  <span class="stat">preemptions<b id="stat-preemptions">0</b></span>
  <span id="conn">connecting…</span>
</header>
<main>
  <section class="wide"><h2>Resources now</h2><div class="res" id="resources"></div></section>
  <section><h2>Utilization per type over time</h2><div id="util"></div><div class="legend" id="util-legend"></div></section>
  <section><h2>Queue depth over time</h2><div id="depth"></div></section>
  <section><h2>Wait time, request to grant (each bar: waits up to its bound)</h2><div id="hist"></div></section>
  <section><h2>Tenants: held vs quota</h2><div class="scroll" id="tenants"></div></section>
  <section class="wide"><h2>Allocations</h2><div class="scroll" id="allocations"></div></section>
  <section class="wide"><h2>Waiting requests</h2><div class="scroll" id="queue"></div></section>
</main>
<script>
"use strict";
(function () {
  var COLORS = ["#2e90fa", "#12b76a", "#f79009", "#9e77ed", "#ee46bc", "#15b79e", "#f04438", "#667085"];
  var NS = "http://www.w3.org/2000/svg";
  var types = [];
  var samples = [];
  var MAX_SAMPLES = 600;

  function el(tag, attrs, text) {
    var e = tag.indexOf("svg:") === 0 ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(n) {
    if (typeof n !== "number") return String(n);
    return Math.abs(n) >= 100 || Number.isInteger(n) ? String(Math.round(n * 1000) / 1000) : n.toFixed(n < 1 ? 3 : 2).replace(/0+$/, "").replace(/[.]$/, "");
  }
  function amounts(r) {
    return Object.keys(r).map(function (k) { return k + " " + fmt(r[k]); }).join(", ");
  }
  function duration(s) {
    if (s < 0.1) return Math.round(s * 1000) + "ms";
    if (s < 1) return String(s).slice(1) + "s";
    if (s < 60) return s + "s";
    if (s < 3600) return s / 60 + "m";
    return s / 3600 + "h";
  }
  function clock(t) {
    var d = new Date(t);
    return d.toTimeString().slice(0, 8);
  }

  // A line chart over the samples: series(i) gives the values of series i; yMax fixes the top (else the largest value).
  function lineChart(host, count, value, yMax, asPercent) {
    var W = 460, H = 170, L = 40, R = 10, T = 8, B = 22;
    var svg = el("svg:svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
    var n = samples.length;
    var top = yMax;
    if (top === undefined) {
      top = 1;
      for (var i = 0; i < n; i++) for (var s = 0; s < count; s++) top = Math.max(top, value(samples[i], s));
      var step = Math.pow(10, Math.floor(Math.log10(top)));
      top = Math.ceil(top / step) * step;
    }
    for (var g = 0; g <= 4; g++) {
      var y = T + (H - T - B) * (1 - g / 4);
      svg.appendChild(el("svg:line", { x1: L, x2: W - R, y1: y, y2: y, stroke: "#eef0f3" }));
      svg.appendChild(el("svg:text", { x: L - 4, y: y + 4, "text-anchor": "end" }, asPercent ? Math.round((top * g) / 4 * 100) + "%" : fmt((top * g) / 4)));
    }
    if (n > 0) {
      var t0 = samples[0].t, t1 = Math.max(samples[n - 1].t, t0 + 1);
      var xOf = function (t) { return L + ((W - L - R) * (t - t0)) / (t1 - t0); };
      svg.appendChild(el("svg:text", { x: L, y: H - 6 }, clock(t0)));
      svg.appendChild(el("svg:text", { x: W - R, y: H - 6, "text-anchor": "end" }, clock(t1)));
      for (var s2 = 0; s2 < count; s2++) {
        var d = "";
        // Steps: a value holds until the next sample, as the node's state does between changes.
        for (var j = 0; j < n; j++) {
          var v = Math.min(value(samples[j], s2), top);
          var y2 = (T + (H - T - B) * (1 - v / top)).toFixed(1);
          var x2 = xOf(samples[j].t).toFixed(1);
          d += j === 0 ? "M" + x2 + "," + y2 : "H" + x2 + "V" + y2;
        }
        svg.appendChild(el("svg:path", { d: d, fill: "none", stroke: COLORS[s2 % COLORS.length], "stroke-width": 2 }));
      }
    }
    host.replaceChildren(svg);
  }

  function drawOverTime() {
    lineChart(document.getElementById("util"), types.length, function (p, s) { return p.used[s] || 0; }, 1, true);
    var legend = document.getElementById("util-legend");
    legend.replaceChildren();
    types.forEach(function (name, s) {
      var span = el("span");
      span.appendChild(el("i", { style: "background:" + COLORS[s % COLORS.length] }));
      span.appendChild(document.createTextNode(name));
      legend.appendChild(span);
    });
    lineChart(document.getElementById("depth"), 1, function (p) { return p.waiting; }, undefined, false);
  }

  function drawHistogram(w) {
    var W = 460, H = 170, L = 40, R = 10, T = 14, B = 22;
    var svg = el("svg:svg", { viewBox: "0 0 " + W + " " + H, role: "img", id: "hist-svg" });
    var counts = w.counts, top = Math.max.apply(null, counts.concat([1]));
    var bw = (W - L - R) / counts.length;
    for (var i = 0; i < counts.length; i++) {
      var h = ((H - T - B) * counts[i]) / top;
      var x = L + i * bw;
      svg.appendChild(el("svg:rect", { x: x + 2, y: H - B - h, width: bw - 4, height: h, fill: "#2e90fa" }));
      if (counts[i] > 0) svg.appendChild(el("svg:text", { x: x + bw / 2, y: H - B - h - 3, "text-anchor": "middle" }, String(counts[i])));
      var label = i < w.bounds.length ? duration(w.bounds[i]) : ">" + duration(w.bounds[w.bounds.length - 1]);
      svg.appendChild(el("svg:text", { x: x + bw / 2, y: H - 6, "text-anchor": "middle" }, label));
    }
    svg.appendChild(el("svg:text", { x: W - R, y: 10, "text-anchor": "end" }, w.count + " grants, mean " + fmt(w.count === 0 ? 0 : w.sum / w.count) + " s"));
    document.getElementById("hist").replaceChildren(svg);
  }

  function table(host, id, head, rows, total, cells) {
    var t = el("table", { id: id });
    var tr = el("tr");
    head.forEach(function (h) { tr.appendChild(el("th", h.num ? { class: "num" } : {}, h.name)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el("tr");
      cells(r).forEach(function (c, i) { row.appendChild(el("td", head[i].num ? { class: "num" } : {}, String(c))); });
      t.appendChild(row);
    });
    host.replaceChildren(t);
    if (total > rows.length) host.appendChild(el("div", { class: "more" }, "and " + (total - rows.length) + " more"));
    if (total === 0) host.appendChild(el("div", { class: "more" }, "none"));
  }

  function bar(frac, color) {
    var b = el("div", { class: "bar" });
    var fill = el("div", { style: "width:" + Math.min(100, frac * 100).toFixed(1) + "%;background:" + color });
    if (frac > 1) fill.setAttribute("class", "over");
    b.appendChild(fill);
    return b;
  }

  function drawTenants(tenants) {
    var host = document.getElementById("tenants");
    var t = el("table", { id: "tenants-table" });
    var tr = el("tr");
    ["tenant", "type", "held", "quota", ""].forEach(function (h, i) { tr.appendChild(el("th", i === 2 || i === 3 ? { class: "num" } : {}, h)); });
    t.appendChild(tr);
    tenants.forEach(function (tn) {
      types.forEach(function (type, s) {
        var held = tn.held[type] || 0, quota = tn.quota[type];
        if (held === 0 && quota === undefined) return;
        var row = el("tr");
        row.appendChild(el("td", {}, tn.name));
        row.appendChild(el("td", {}, type));
        row.appendChild(el("td", { class: "num" }, fmt(held)));
        row.appendChild(el("td", { class: "num" }, quota === undefined ? "none" : fmt(quota)));
        var cell = el("td");
        var cap = quota === undefined ? capacityOf(type) : quota;
        cell.appendChild(bar(cap > 0 ? held / cap : 0, COLORS[s % COLORS.length]));
        row.appendChild(cell);
        t.appendChild(row);
      });
    });
    host.replaceChildren(t);
    if (tenants.length === 0) host.appendChild(el("div", { class: "more" }, "no tenants yet: they appear once a quota, a weight, a tenant field or --policy drf is used"));
  }

  var last;
  function capacityOf(type) {
    var r = last && last.resources.filter(function (x) { return x.name === type; })[0];
    return r ? r.capacity : 0;
  }

  function render(u) {
    last = u;
    document.getElementById("stat-allocations").textContent = String(u.allocations.total);
    document.getElementById("stat-waiting").textContent = String(u.waiting);
    document.getElementById("stat-grants").textContent = String(u.grants);
    document.getElementById("stat-releases").textContent = String(u.releases);
    document.getElementById("stat-preemptions").textContent = String(u.preemptions);
    var res = document.getElementById("resources");
    res.replaceChildren();
    u.resources.forEach(function (r, s) {
      var d = el("div", { "data-type": r.name });
      d.appendChild(el("div", {}, r.name));
      var b = el("b", { class: "allocated" }, fmt(r.allocated));
      d.appendChild(b);
      d.appendChild(document.createTextNode(" / " + fmt(r.capacity) + " allocated"));
      d.appendChild(bar(r.capacity > 0 ? r.allocated / r.capacity : 0, COLORS[s % COLORS.length]));
      res.appendChild(d);
    });
    if (types.length !== u.resources.length) {
      types = u.resources.map(function (r) { return r.name; });
      drawOverTime();
    }
    drawHistogram(u.wait);
    drawTenants(u.tenants);
    table(document.getElementById("allocations"), "allocations-table",
      [{ name: "allocation" }, { name: "client" }, { name: "tenant" }, { name: "priority", num: true }, { name: "resources" }],
      u.allocations.rows, u.allocations.total,
      function (a) { return [a.id, a.src, a.tenant, a.priority, amounts(a.resources)]; });
    table(document.getElementById("queue"), "queue-table",
      [{ name: "client" }, { name: "msg_id", num: true }, { name: "tenant" }, { name: "priority", num: true }, { name: "asks" }, { name: "reason" }, { name: "waited (s)", num: true }],
      u.queue.rows, u.queue.total,
      function (w) { return [w.src, w.msg_id, w.tenant, w.priority, amounts(w.resources), w.reason, fmt(w.waited_s)]; });
    document.body.setAttribute("data-updated", String(u.t));
  }

  var events = new EventSource("events");
  var conn = document.getElementById("conn");
  events.onopen = function () { conn.textContent = "live"; };
  events.onerror = function () { conn.textContent = "reconnecting…"; };
  events.addEventListener("history", function (e) {
    var h = JSON.parse(e.data);
    types = h.types;
    samples = h.samples.slice(-MAX_SAMPLES);
    drawOverTime();
  });
  events.addEventListener("sample", function (e) {
    samples.push(JSON.parse(e.data));
    if (samples.length > MAX_SAMPLES) samples.shift();
    drawOverTime();
  });
  events.addEventListener("update", function (e) {
    render(JSON.parse(e.data));
    conn.textContent = "live · " + clock(last.t);
  });
})();
</script>
</body>
</html>
`;
