// The console's text conversations: rendered on the server, replied to and closed here.
"use strict";
(function () {
  const { api } = window.helpline;
  const $ = (id) => document.getElementById(id);
  const self = { onChange: () => {} };

  async function refresh() {
    const box = $("texts");
    let response;
    try {
      response = await fetch("/console/panel/texts", { credentials: "same-origin" });
    } catch (error) { return; }
    if (!response.ok) return;
    const html = await response.text();
    // Redrawn under the agent's hands, nothing typed is lost: replies and the focus come back.
    const typed = new Map([...box.querySelectorAll("textarea[id], select[id]")]
      .filter((field) => field.value).map((field) => [field.id, field.value]));
    const focused = box.contains(document.activeElement) ? document.activeElement.id : "";
    box.innerHTML = html;  // server-rendered with autoescaping: what texters wrote stays text
    for (const [id, value] of typed) { const field = document.getElementById(id); if (field) field.value = value; }
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    for (const form of box.querySelectorAll("form[data-text]")) {
      form.addEventListener("submit", (event) => act(event, form));
    }
  }

  async function act(event, form) {
    event.preventDefault();
    const message = form.querySelector("[role=alert]");
    const url = `/api/agent/texts/${form.dataset.text}/${form.dataset.act}`;
    const field = form.querySelector(form.dataset.act === "reply" ? "[name=body]" : "[name=wrap_up_code]");
    const body = form.dataset.act === "reply" ? { body: field.value } : { wrap_up_code: field.value };
    try {
      await api("POST", url, body);
      field.value = "";  // sent or closed: not restored on the redraw
      message.hidden = true;
      await refresh();
      self.onChange();
    } catch (error) {
      message.textContent = error.message;
      message.hidden = false;
    }
  }

  self.refresh = refresh;
  window.helpline.texts = self;
})();
