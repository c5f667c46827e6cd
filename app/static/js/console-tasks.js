// The console's tasks (voicemails and callbacks): rendered on the server, acted on here.
"use strict";
(function () {
  const { api } = window.helpline;
  const $ = (id) => document.getElementById(id);
  const self = { onChange: () => {} };

  async function refresh() {
    const box = $("tasks");
    let response;
    try {
      response = await fetch("/console/panel/tasks", { credentials: "same-origin" });
    } catch (error) { return; }
    if (!response.ok) return;
    const html = await response.text();
    // Redrawn under the agent's hands, nothing typed is lost: notes and the focus come back.
    const typed = new Map([...box.querySelectorAll("input[id], textarea[id]")]
      .filter((field) => field.value).map((field) => [field.id, field.value]));
    const focused = box.contains(document.activeElement) ? document.activeElement.id : "";
    box.innerHTML = html;  // server-rendered with autoescaping
    for (const [id, value] of typed) { const field = document.getElementById(id); if (field) field.value = value; }
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    for (const form of box.querySelectorAll("form[data-task]")) {
      form.addEventListener("submit", (event) => act(event, form));
    }
  }

  async function act(event, form) {
    event.preventDefault();
    const action = event.submitter ? event.submitter.value : "claim";
    const note = form.querySelector("[name=note]");
    const message = form.querySelector("[role=alert]");
    const task = `/api/agent/tasks/${form.dataset.task}`;
    try {
      if (action === "call-back") {
        // The task becomes my contact (its panel shows the number's story), then it is dialled.
        await api("POST", `${task}/take`, {});
        await api("POST", "/api/agent/call-back", { contact_id: form.dataset.contact });
      } else {
        await api("POST", `${task}/${action}`, action === "close" ? { note: note ? note.value : "" } : {});
      }
      message.hidden = true;
      document.activeElement.blur();
      await refresh();
      self.onChange();
    } catch (error) {
      message.textContent = error.message;
      message.hidden = false;
    }
  }

  self.refresh = refresh;
  window.helpline.tasks = self;
})();
