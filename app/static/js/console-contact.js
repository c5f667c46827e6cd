// The console's current contact: the panel (customer 360°, IVR path, traces, callback),
// notes kept as a draft on the server and in this browser, wrap-up, transfer.
"use strict";
(function () {
  const { api, duration } = window.helpline;
  const $ = (id) => document.getElementById(id);
  const DRAFT = (id) => `helpline.notes.${id}`;

  const self = { onChange: () => {} };
  let contactId = null, since = null, lastState = null, saveTimer = null;

  // The panel is rendered on the server (escaped there): fetched when the contact may have
  // changed, never on every event, so nothing the agent is typing is redrawn.
  async function loadPanel() {
    let response;
    try {
      response = await fetch("/console/panel/contact", { credentials: "same-origin" });
    } catch (error) { window.helpline.offline(true); return; }
    if (!response.ok && response.status !== 204) return;
    const html = response.status === 204 ? "" : await response.text();
    const panel = $("contact");
    if (!html) {
      panel.replaceChildren(emptyNote());
      show(null);
      return;
    }
    panel.innerHTML = html;  // server-rendered with autoescaping: text stays text
    const card = panel.querySelector("[data-contact-id]");
    show(card ? card.dataset : null);
    for (const button of panel.querySelectorAll("button[data-call-back]")) {
      button.addEventListener("click", () => callBack(button));
    }
  }

  function emptyNote() {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = "No contact. Go available to be offered one.";
    return p;
  }

  function show(data) {
    const fresh = data ? data.contactId : null;
    $("wrap-up").hidden = !data;
    $("transfer").hidden = !(data && data.kind === "call");
    if (fresh === contactId) return;
    contactId = fresh;
    since = data ? Date.parse(data.since) || Date.now() : null;
    if (data) {
      const kept = localStorage.getItem(DRAFT(fresh));
      $("notes").value = kept !== null ? kept : (data.draft || "");
      $("wrap-up-code").value = "";
      say("");
    }
  }

  function say(message) {
    const node = $("wrap-up-message");
    node.textContent = message;
    node.hidden = !message;
  }

  async function callBack(button) {
    button.disabled = true;
    try {
      const result = await api("POST", "/api/agent/call-back", { contact_id: button.dataset.callBack });
      button.textContent = result.status ? `Calling… (${result.status})` : "Calling…";
    } catch (error) {
      button.disabled = false;
      say(error.message);
    }
  }

  // Notes go to this browser at once and to the server a second later: a reload, a crash
  // or a dropped connection mid-wrap-up loses nothing.
  function noteTyped() {
    if (!contactId) return;
    localStorage.setItem(DRAFT(contactId), $("notes").value);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 1000);
  }

  async function saveDraft() {
    if (!contactId) return;
    try {
      await api("PUT", "/api/agent/contact/notes", { contact_id: contactId, notes: $("notes").value });
      $("notes-saved").textContent = "Draft saved.";
    } catch (error) {
      $("notes-saved").textContent = "Draft kept in this browser; it will be saved when the server answers.";
    }
  }

  async function submit() {
    if (!contactId || $("wrap-up").hidden) return;
    const code = $("wrap-up-code").value;
    if (!code) { say("Choose a wrap-up code first."); $("wrap-up-code").focus(); return; }
    try {
      await api("POST", "/api/agent/finish", {
        contact_id: contactId, wrap_up_code: code, notes: $("notes").value,
      });
    } catch (error) {
      say(error.status ? error.message : "Not saved yet: the server does not answer. Your notes are kept; try again.");
      return;
    }
    localStorage.removeItem(DRAFT(contactId));
    $("notes").value = "";
    contactId = null;
    await loadPanel();
    self.onChange();
  }

  async function transfer(event) {
    event.preventDefault();
    const [kind, target] = $("transfer-to").value.split(":");
    if (!contactId || !target) return;
    const body = { contact_id: contactId };
    body[kind === "agent" ? "agent_id" : "queue"] = kind === "agent" ? Number(target) : target;
    try {
      await api("POST", "/api/agent/transfer", body);
      say("");
      $("notes-saved").textContent = "Transferred. Wrap up your part of the call.";
    } catch (error) { say(error.message); }
  }

  self.refresh = (desk) => {
    if (desk.state !== lastState || (contactId === null && ["busy", "wrap_up"].includes(desk.state))) {
      lastState = desk.state;
      loadPanel();
    }
  };
  self.accepted = () => { lastState = null; };
  self.submit = submit;
  self.focusNotes = () => { if (!$("wrap-up").hidden) $("notes").focus(); };
  self.tick = () => {
    $("wrap-up-timer").textContent = since ? `On this contact for ${duration((Date.now() - since) / 1000)}` : "";
  };

  $("notes").addEventListener("input", noteTyped);
  $("wrap-up").addEventListener("submit", (event) => { event.preventDefault(); submit(); });
  $("transfer").addEventListener("submit", transfer);
  window.addEventListener("online", saveDraft);
  window.helpline.contact = self;
})();
