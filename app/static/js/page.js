// What every staff page's script uses: JSON calls with the CSRF token, text-only DOM
// helpers (nothing a customer or caller wrote is ever parsed as HTML), and the live feed.
"use strict";
(function () {
  const token = () => document.querySelector('meta[name="csrf-token"]').content;
  const banner = () => document.getElementById("connection");

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  // fetch JSON; state changes carry the CSRF token; errors become ApiError with the
  // server's own message, and a lost connection shows the "reconnecting" banner.
  async function api(method, url, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = token();
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, {
        method, headers, credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      offline(true);
      throw new ApiError(0, "The server does not answer; retrying.");
    }
    offline(false);
    if (response.status === 401) { window.location.assign("/login?next=" + encodeURIComponent(location.pathname)); }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, data.error || response.statusText);
    return data;
  }

  let offlineSince = null;
  function offline(isOffline) {
    const el = banner();
    if (!el) return;
    if (isOffline && offlineSince === null) {
      offlineSince = Date.now();
      el.textContent = "Reconnecting… the server does not answer. Nothing you typed is lost.";
      el.hidden = false;
    } else if (!isOffline && offlineSince !== null) {
      offlineSince = null;
      el.hidden = true;
    }
  }

  // el("li", {class: "x"}, "text", child): builds elements from text, never from HTML.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function fill(target, ...children) {
    const node = typeof target === "string" ? document.getElementById(target) : target;
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
    return node;
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds || 0));
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    const two = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
  }

  // The live feed: server-sent events from /api/live. Every event, and every (re)connection,
  // asks the page to fetch its figures again (at most about once a second). When streams are
  // refused (503: the server's cap) or keep failing, the page polls instead and tries the
  // stream again later; the "reconnecting" banner comes from the fetches, which tell truly.
  // A console (options.view "console") also gets its queues' new lines pushed ("line"
  // events, handed to options.onLine), which need no fetch.
  function live(onChange, pollSeconds, options) {
    const view = (options && options.view) || "";
    const onLine = options && options.onLine;
    let polling = null, failures = 0, source = null, queued = null, last = 0;
    const soon = () => {
      if (queued) return;
      const wait = Math.max(0, 1000 - (Date.now() - last));
      queued = setTimeout(() => { queued = null; last = Date.now(); onChange(); }, wait);
    };
    const poll = () => { if (!polling) polling = setInterval(onChange, (pollSeconds || 5) * 1000); };
    function connect() {
      if (!window.EventSource) { poll(); return; }
      source = new EventSource(view ? "/api/live?view=" + encodeURIComponent(view) : "/api/live");
      source.onopen = () => { failures = 0; if (polling) { clearInterval(polling); polling = null; } };
      source.onmessage = (message) => {
        if (onLine) {
          let data = null;
          try { data = JSON.parse(message.data); } catch (error) { /* not JSON: fetch */ }
          if (data && data.kind === "line") { onLine(data); return; }
        }
        soon();
      };
      source.onerror = () => {
        failures += 1;
        soon();
        if (source.readyState === EventSource.CLOSED) {
          poll();
          setTimeout(connect, Math.min(30000, 1000 * 2 ** Math.min(failures, 5)));
        }
      };
    }
    connect();
    return () => { if (source) source.close(); if (polling) clearInterval(polling); };
  }

  // A server-rendered fragment (escaped there) swapped into the box with id `boxId`, under
  // the user's hands: what they typed and where the focus was come back. Then `bind(box)`.
  async function redraw(boxId, url, bind) {
    const box = document.getElementById(boxId);
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin" });
    } catch (error) { return; }
    if (!response.ok) return;
    const html = await response.text();
    const typed = new Map([...box.querySelectorAll("input[id], textarea[id], select[id]")]
      .filter((field) => field.value).map((field) => [field.id, field.value]));
    const focused = box.contains(document.activeElement) ? document.activeElement.id : "";
    box.innerHTML = html;
    for (const [id, value] of typed) { const field = document.getElementById(id); if (field) field.value = value; }
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    bind(box);
  }

  window.helpline = { api, ApiError, el, fill, duration, live, offline, redraw };
})();
