// upheaval workbench: the small amount of client code the pages need (no inline scripts).
(function () {
  "use strict";

  // ---- htmx extension: send a form as JSON to the /api endpoints --------------------------
  // Field names with dots nest ("cites.0.section"), numeric parts make arrays. A suffix
  // converts the value: ":int" and ":num" numbers, ":bool" true/false, ":lines" one list item
  // per line, ":words" a list split at commas and spaces, ":ints" a list of integers, ":cond" a
  // condition written "descriptor=variant, other=v1|v2". Empty optional rows are dropped.
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
            !Object.keys(v).some(function (k) { return (k === "source" || k === "id") && v[k] === ""; });
        }
        return true;
      });
    }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) {
        var v = prune(value[k]);
        if (v === null && k !== "value") return;
        if (v === "" && (k === "quote" || k === "as_name" || k === "section")) return;
        out[k] = v;
      });
      return out;
    }
    return value;
  }
  function words(raw) {
    return String(raw).split(/[\s,;]+/).filter(function (w) { return w !== ""; });
  }
  function condition(raw) {
    var out = {};
    String(raw).split(/[,;\n]+/).forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq < 0) { if (part.trim()) out[part.trim()] = ""; return; }
      var d = part.slice(0, eq).trim(), v = part.slice(eq + 1).trim();
      if (!d) return;
      var vs = v.split("|").map(function (x) { return x.trim(); }).filter(function (x) { return x !== ""; });
      out[d] = vs.length > 1 ? vs : (vs[0] || "");
    });
    return out;
  }
  var CONVERT = {
    int: function (raw) { return raw === "" ? null : parseInt(raw, 10); },
    num: function (raw) { return raw === "" ? null : parseFloat(raw); },
    bool: function (raw) { return raw === "true" || raw === "on"; },
    lines: function (raw) { return String(raw).split(/\r?\n/).map(function (x) { return x.trim(); }).filter(function (x) { return x !== ""; }); },
    words: words,
    ints: function (raw) { return words(raw).map(function (w) { return parseInt(w, 10); }); },
    cond: condition,
  };
  function formToObject(formData) {
    var obj = {};
    formData.forEach(function (raw, name) {
      var value = raw;
      var colon = name.lastIndexOf(":");
      if (colon > 0 && CONVERT[name.slice(colon + 1)]) {
        value = CONVERT[name.slice(colon + 1)](raw);
        name = name.slice(0, colon);
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
    { selector: "node.camp", style: { "label": "data(label)", "font-size": 13, "font-weight": "bold", "text-valign": "top",
      "background-color": "#eef2f6", "background-opacity": 0.6, "border-color": "#9aa9b8", "border-width": 1, "shape": "round-rectangle",
      "padding": 14, "color": "#44515e" } },
    { selector: "edge", style: { "width": 2, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.9,
      "line-color": "#3a9b5b", "target-arrow-color": "#3a9b5b", "opacity": 0.85 } },
    { selector: "edge.hostile", style: { "line-color": "#c8413b", "target-arrow-color": "#c8413b" } },
    { selector: "edge.planned, edge.option, edge.stance, edge.style-dashed", style: { "line-style": "dashed" } },
    { selector: "edge.style-dotted", style: { "line-style": "dotted" } },
    { selector: "edge.draft", style: { "line-style": "dashed", "opacity": 0.5 } },
    { selector: "edge.added", style: { "width": 5, "line-color": "#1f6fd1", "target-arrow-color": "#1f6fd1", "opacity": 1 } },
    { selector: "edge.removed", style: { "line-color": "#b9c0c7", "target-arrow-color": "#b9c0c7", "line-style": "dotted", "opacity": 0.6 } },
    { selector: ":selected", style: { "overlay-color": "#f2b705", "overlay-opacity": 0.35 } },
  ];
  function mk(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function show(detail, lines) {
    detail.textContent = "";
    lines.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === "") return;
      var p = mk("p");
      p.appendChild(mk("b", pair[0]));
      if (pair[1] instanceof Node) { p.appendChild(document.createTextNode(" ")); p.appendChild(pair[1]); }
      else p.appendChild(document.createTextNode(" " + pair[1]));
      detail.appendChild(p);
    });
  }
  function citationList(citations) {
    var ul = mk("ul", undefined, "cites");
    (citations || []).forEach(function (c) {
      var li = mk("li", c.label + (c.quote ? " — “" + c.quote + "”" : ""));
      if (c.passage) li.appendChild(mk("blockquote", c.passage, "passage"));
      ul.appendChild(li);
    });
    if (!ul.childNodes.length) ul.appendChild(mk("li", "none", "dim"));
    return ul;
  }
  function editButton(section, key) {
    if (!document.getElementById("editor")) return "";
    var b = mk("button", "edit " + (section === "actors" ? "this actor" : "this tie"), "link");
    b.type = "button";
    b.addEventListener("click", function () {
      htmx.ajax("GET", "/ui/editor?section=" + section + "&key=" + encodeURIComponent(key), { target: "#editor", swap: "innerHTML" });
    });
    return b;
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
        show(detail, [["tie", d.tie], ["from → to", d.source + " → " + d.target],
          ["kind", (d.kind_label || d.kind) + (d.status ? " (" + d.status + ")" : "")],
          ["what", d.label], ["figure", d.figure], ["dates", d.dates], ["citations", citationList(d.citations)],
          ["", editButton("ties", d.tie)]]);
      });
      cy.on("tap", "node.actor", function (evt) {
        var d = evt.target.data();
        var ties = mk("ul", undefined, "ties");
        evt.target.connectedEdges().forEach(function (e) {
          var t = e.data();
          var li = mk("li", t.source + " → " + t.target + ": " + (t.kind_label || t.kind) + (t.label ? " — " + t.label : ""));
          if ((t.cites || []).length) li.appendChild(mk("span", " [" + t.cites.join("; ") + "]", "cite"));
          ties.appendChild(li);
        });
        if (!ties.childNodes.length) ties.appendChild(mk("li", "none", "dim"));
        show(detail, [["actor", d.label + " (" + d.id + ")"], ["kind", d.kind], ["declared camp", d.declared],
          ["CAMEO", d.cameo], ["also known as", (d.aliases || []).join(", ")], ["camp (structural balance)", d.camp || "-"],
          ["ties, with their citations", ties], ["", editButton("actors", d.id)]]);
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
  function refreshNetworks() {
    document.querySelectorAll("[data-network][data-ready]").forEach(function (e) {
      if (e.cy) e.cy.destroy();
      delete e.dataset.ready;
      e.removeAttribute("data-loaded");
      initNetwork(e);
    });
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
        if (elt.closest && elt.closest("#editor-panel")) {
          var ed = document.getElementById("editor");
          if (ed) ed.innerHTML = '<p class="dim" id="editor-done">Applied. Undo takes it back; Save writes the file.</p>';
        }
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (evt) {
      initAll(evt.detail.elt);
      var target = evt.detail.target;
      if (target && target.id === "editor" && target.querySelector("form")) target.scrollIntoView({ block: "nearest" });
    });
    document.body.addEventListener("modelChanged", refreshNetworks);
    // matrix cells: one delegated listener instead of thousands of htmx-processed buttons
    document.body.addEventListener("click", function (evt) {
      if (evt.target.closest && evt.target.closest("[data-close-editor]")) {
        var ed = document.getElementById("editor");
        if (ed) ed.textContent = "";
        return;
      }
      var cell = evt.target.closest && evt.target.closest("button.c[data-url]");
      if (!cell) return;
      document.querySelectorAll("button.c.on").forEach(function (b) { b.classList.remove("on"); });
      cell.classList.add("on");
      htmx.ajax("GET", cell.dataset.url, { target: "#cell", swap: "innerHTML" });
    });
  });
})();
