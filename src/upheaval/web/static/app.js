// upheaval workbench: the small amount of client code the pages need (no inline scripts).
(function () {
  "use strict";

  // ---- htmx extension: send a form as JSON to the /api endpoints --------------------------
  // Field names with dots nest ("cites.0.section"), numeric parts make arrays, a ":int"
  // suffix makes a number; empty optional rows are dropped.
  function setPath(obj, path, value) {
    var keys = path.split(".");
    var node = obj;
    for (var i = 0; i < keys.length - 1; i++) {
      var k = keys[i];
      var nextIsIndex = /^\d+$/.test(keys[i + 1]);
      if (node[k] === undefined) node[k] = nextIsIndex ? [] : {};
      node = node[k];
    }
    node[keys[keys.length - 1]] = value;
  }
  function prune(value) {
    if (Array.isArray(value)) {
      return value.filter(function (v) { return v !== undefined; }).map(prune).filter(function (v) {
        if (v && typeof v === "object" && !Array.isArray(v)) {
          return Object.keys(v).some(function (k) { return v[k] !== "" && v[k] !== null; }) &&
            !Object.keys(v).some(function (k) { return (k === "section" || k === "source" || k === "id") && v[k] === ""; });
        }
        return true;
      });
    }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) {
        var v = prune(value[k]);
        if (v === null && k !== "value") return;
        if (v === "" && (k === "quote" || k === "as_name")) return;
        out[k] = v;
      });
      return out;
    }
    return value;
  }
  function formToObject(formData) {
    var obj = {};
    formData.forEach(function (raw, name) {
      var value = raw;
      if (name.endsWith(":int")) {
        name = name.slice(0, -4);
        value = raw === "" ? null : parseInt(raw, 10);
      }
      setPath(obj, name, value);
    });
    return prune(obj);
  }
  function defineJsonForm() {
    htmx.defineExtension("json-form", {
      onEvent: function (name, evt) {
        if (name === "htmx:configRequest") evt.detail.headers["Content-Type"] = "application/json";
      },
      encodeParameters: function (xhr, parameters) {
        xhr.overrideMimeType("text/json");
        return JSON.stringify(formToObject(parameters));
      },
    });
  }

  // ---- messages ------------------------------------------------------------------------------
  var toastTimer = null;
  function toast(message, kind) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = message;
    el.className = kind || "bad";
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, 7000);
  }
  function errorText(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      var msg = typeof body.detail === "string" ? body.detail :
        (Array.isArray(body.detail) ? body.detail.map(function (d) { return (d.loc || []).slice(1).join(".") + ": " + d.msg; }).join("; ") : xhr.statusText);
      if (body.problems) msg += ": " + body.problems.map(function (p) { return "line " + p.line + ": " + p.message; }).join("; ");
      return msg;
    } catch (e) {
      return xhr.status + " " + (xhr.responseText || xhr.statusText).slice(0, 300);
    }
  }

  // ---- the network (Cytoscape.js) --------------------------------------------------------------
  var STYLE = [
    { selector: "node.actor", style: { "label": "data(label)", "font-size": 13, "text-valign": "bottom", "text-margin-y": 4,
      "background-color": "#5b7083", "width": 30, "height": 30, "color": "#1d2733", "text-wrap": "wrap", "text-max-width": 90 } },
    { selector: "node.alliance, node.organisation", style: { "shape": "round-rectangle", "background-color": "#7a6a9c" } },
    { selector: "node.leader", style: { "shape": "diamond" } },
    { selector: "node.bloc", style: { "label": "data(label)", "font-size": 13, "font-weight": "bold", "text-valign": "top",
      "background-color": "#eef2f6", "background-opacity": 0.6, "border-color": "#9aa9b8", "border-width": 1, "shape": "round-rectangle",
      "padding": 14, "color": "#44515e" } },
    { selector: "edge", style: { "width": 2, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.9,
      "line-color": "#3a9b5b", "target-arrow-color": "#3a9b5b", "opacity": 0.85 } },
    { selector: "edge.hostile", style: { "line-color": "#c8413b", "target-arrow-color": "#c8413b" } },
    { selector: "edge.planned, edge.option, edge.stance", style: { "line-style": "dashed" } },
    { selector: "edge.added", style: { "width": 5, "line-color": "#1f6fd1", "target-arrow-color": "#1f6fd1", "opacity": 1 } },
    { selector: "edge.removed", style: { "line-color": "#b9c0c7", "target-arrow-color": "#b9c0c7", "line-style": "dotted", "opacity": 0.6 } },
    { selector: ":selected", style: { "overlay-color": "#f2b705", "overlay-opacity": 0.35 } },
  ];
  function show(detail, lines) {
    detail.textContent = "";
    lines.forEach(function (pair) {
      var p = document.createElement("p");
      var b = document.createElement("b");
      b.textContent = pair[0];
      p.appendChild(b);
      p.appendChild(document.createTextNode(" " + pair[1]));
      detail.appendChild(p);
    });
  }
  function initNetwork(el) {
    if (!window.cytoscape || el.dataset.ready) return;
    el.dataset.ready = "1";
    fetch(el.dataset.network, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("network: " + r.status);
      return r.json();
    }).then(function (data) {
      var cy = window.cytoscape({
        container: el, elements: data.nodes.concat(data.edges), style: STYLE, wheelSensitivity: 0.3, minZoom: 0.2, maxZoom: 1.4,
        layout: { name: "preset", padding: 24, fit: true },
      });
      el.cy = cy;
      var detail = document.getElementById("cy-detail");
      cy.on("tap", "edge", function (evt) {
        var d = evt.target.data();
        show(detail, [["tie", d.tie], ["from → to", d.source + " → " + d.target], ["kind", d.kind + (d.status ? " (" + d.status + ")" : "")],
          ["what", d.label], ["citations", (d.cites || []).join("; ") || "none"]]);
      });
      cy.on("tap", "node.actor", function (evt) {
        var d = evt.target.data();
        show(detail, [["actor", d.label + " (" + d.id + ")"], ["kind", d.kind], ["camp (structural balance)", d.camp || "-"],
          ["ties", String(evt.target.connectedEdges().length)]]);
      });
      var camps = document.getElementById("camps");
      if (camps && data.partition) {
        camps.textContent = "Camps by structural balance: " + Object.keys(data.partition.camps).map(function (k) {
          return k + ": " + data.partition.camps[k].join(", ");
        }).join(" · ") + " (frustration " + data.partition.frustration + ", balance " + data.partition.balance + ")";
      }
      el.setAttribute("data-loaded", "1");
    }).catch(function (e) { toast(String(e)); });
  }
  function initAll(root) {
    (root || document).querySelectorAll("[data-network]").forEach(initNetwork);
  }

  document.addEventListener("DOMContentLoaded", function () {
    defineJsonForm();
    initAll(document);
    document.body.addEventListener("htmx:responseError", function (evt) {
      toast(errorText(evt.detail.xhr));
    });
    document.body.addEventListener("htmx:sendError", function () { toast("the workbench server did not answer"); });
    document.body.addEventListener("htmx:afterRequest", function (evt) {
      var elt = evt.detail.elt;
      if (evt.detail.successful && elt && elt.hasAttribute && elt.hasAttribute("data-reset") && elt.reset) elt.reset();
      if (evt.detail.successful && elt && elt.getAttribute && (elt.getAttribute("hx-post") || "").indexOf("/api/") === 0) {
        toast("done: the scenarios and claims now follow the edit", "ok");
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (evt) { initAll(evt.detail.elt); });
    // matrix cells: one delegated listener instead of thousands of htmx-processed buttons
    document.body.addEventListener("click", function (evt) {
      var cell = evt.target.closest && evt.target.closest("button.c[data-url]");
      if (!cell) return;
      document.querySelectorAll("button.c.on").forEach(function (b) { b.classList.remove("on"); });
      cell.classList.add("on");
      htmx.ajax("GET", cell.dataset.url, { target: "#cell", swap: "innerHTML" });
    });
  });
})();
