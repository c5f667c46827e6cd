// The agent console: presence, my queues, the offer with its ring, keyboard shortcuts.
// Live events re-read the desk (GET /api/console/desk), but for a queue's new line, which the
// stream pushes; changes go through /api/agent.
"use strict";
(function () {
  const { api, el, fill, duration, live } = window.helpline;
  const root = document.getElementById("console");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const contact = window.helpline.contact;
  const tasks = window.helpline.tasks;
  const texts = window.helpline.texts;

  let desk = null;              // the last desk read
  let stateSince = Date.now();  // local clock when the state began
  let offerDeadline = null;     // local clock when the offer is taken back
  let ringing = null;

  function say(id, message) {
    const node = $(id);
    node.textContent = message || "";
    node.hidden = !message;
  }

  async function refresh() {
    try {
      desk = await api("GET", "/api/console/desk");
    } catch (error) {
      if (error.status) say("status-message", error.message);
      return;
    }
    stateSince = Date.now() - desk.seconds_in_state * 1000;
    renderState();
    renderQueues();
    renderOffer();
    contact.refresh(desk);
    tasks.refresh();
    texts.refresh();
  }

  function renderState() {
    const state = $("state");
    state.textContent = desk.state.replace("_", "-");
    state.className = "state-" + desk.state;
    for (const button of root.querySelectorAll("button[data-state]")) {
      button.setAttribute("aria-pressed", String(button.dataset.state === desk.state));
    }
  }

  function renderQueues() {
    if (!desk.queues.length) {
      fill("queues", el("p", { class: "empty" }, "You serve no queue (check your skills and languages)."));
      return;
    }
    fill("queues", desk.queues.map((queue) => el("div", { class: "queue" },
      el("h3", {}, queue.queue),
      el("p", { class: "muted" }, `${queue.waiting} waiting`,
        queue.waiting ? `, longest ${duration(queue.longest_wait_seconds)}` : ""),
      queue.contacts.length
        ? el("ol", { class: "waiting", "aria-label": `Waiting in ${queue.queue}` },
            queue.contacts.map(waitingCaller))
        : null)));
  }

  function waitingCaller(c) {
    return el("li", {},
      el("strong", {}, c.caller), " ",
      c.tier ? el("span", { class: `badge ${c.tier}` }, c.tier) : null, " ",
      el("span", { class: "muted" }, `${c.kind}, waited ${duration(c.waited_seconds)}`),
      c.reserved_for ? el("span", { class: "muted" }, " (held for their last agent)") : null,
      el("details", {}, el("summary", {}, "Why this order"),
        el("ol", { class: "path" }, c.trace.map((line) => el("li", {}, line)))));
  }

  function renderOffer() {
    const offer = desk.offer;
    $("offer").hidden = !offer;
    if (!offer) { offerDeadline = null; stopRing(); return; }
    offerDeadline = Date.now() + offer.seconds_left * 1000;
    fill("offer-who", el("strong", {}, offer.caller), " ",
      offer.tier ? el("span", { class: `badge ${offer.tier}` }, offer.tier) : null,
      ` ${offer.kind} in ${offer.queue || "a queue"}, waited ${duration(offer.waited_seconds)}`);
    fill("offer-trace", (offer.offer_trace || []).map((line) => el("li", {}, line)));
    startRing(offer.caller);
  }

  // The ring: the tab's title blinks and a tone sounds until the offer is answered.
  function startRing(caller) {
    if (ringing && ringing.caller === caller) return;
    stopRing();  // another offer: its caller's name in the title
    const title = document.title;
    let on = false;
    ringing = { caller, title, timer: setInterval(() => {
      on = !on;
      document.title = on ? `● Offer: ${caller}` : title;
      if (on) beep();
    }, 1000) };
  }

  function stopRing() {
    if (!ringing) return;
    clearInterval(ringing.timer);
    document.title = ringing.title;
    ringing = null;
  }

  let audio = null;
  function beep() {
    try {
      audio = audio || new AudioContext();
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.25);
    } catch (error) { /* no sound device: the title still blinks */ }
  }

  function tick() {
    $("state-time").textContent = duration((Date.now() - stateSince) / 1000);
    if (offerDeadline !== null) {
      const left = Math.max(0, (offerDeadline - Date.now()) / 1000);
      $("offer-countdown").textContent = duration(left);
      if (left <= 0) { offerDeadline = null; setTimeout(refresh, 500); }
    }
    contact.tick();
  }

  async function setState(state) {
    say("status-message", "");
    try {
      await api("PUT", "/api/agent/presence", { state });
    } catch (error) {
      say("status-message", error.message);
    }
    refresh();
  }

  async function accept(contactId) {
    say("status-message", "");
    try {
      const taken = await api("POST", "/api/agent/accept", contactId ? { contact_id: contactId } : {});
      stopRing();
      contact.accepted(taken);
    } catch (error) {
      const stale = contactId && (error.status === 409 || error.status === 404);
      say("status-message", stale
        ? `This offer is gone (the caller hung up, or it was taken back): ${error.message}`
        : error.message);
    }
    refresh();
  }

  async function decline() {
    try { await api("POST", "/api/agent/decline", {}); } catch (error) { say("status-message", error.message); }
    stopRing();
    refresh();
  }

  async function heartbeat() {
    if (!desk || desk.state === "offline") return;
    try { await api("POST", "/api/agent/heartbeat", {}); } catch (error) { refresh(); }
  }

  function typing(event) {
    const t = event.target;
    return t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
  }

  function onKey(event) {
    if (event.ctrlKey && event.key === "Enter") { contact.submit(); event.preventDefault(); return; }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === "a" && desk && desk.offer) accept(desk.offer.contact_id);
    else if (key === "d" && desk && desk.offer) decline();
    else if (key === "n") accept(null);
    else if (key === "w") contact.focusNotes();
    else if (key === "/") $("search-q").focus();
    else return;
    event.preventDefault();
  }

  for (const button of root.querySelectorAll("button[data-state]")) {
    button.addEventListener("click", () => setState(button.dataset.state));
  }
  $("accept").addEventListener("click", () => desk && desk.offer && accept(desk.offer.contact_id));
  $("decline").addEventListener("click", decline);
  $("accept-next").addEventListener("click", () => accept(null));
  document.addEventListener("keydown", onKey);
  contact.onChange = refresh;
  tasks.onChange = refresh;
  texts.onChange = refresh;

  // A queue's new line, pushed by the live stream: shown without reading the desk again.
  function lineChanged(data) {
    if (!desk) return;
    // My offer may be what changed (the caller hung up, or it was taken back): read it all.
    if (desk.offer && desk.offer.queue === data.queue) { refresh(); return; }
    const at = desk.queues.findIndex((queue) => queue.queue === data.queue);
    if (at < 0) { refresh(); return; }
    desk.queues[at] = data.line;
    renderQueues();
  }

  refresh();
  live(refresh, 3, { view: "console", onLine: lineChanged });
  setInterval(tick, 250);
  setInterval(heartbeat, 20000);
  setInterval(refresh, 30000);  // a backstop if a live event was missed
})();
