// The console's tasks (voicemails and callbacks): rendered on the server, acted on here.
"use strict";
(function () {
  const { api } = window.helpline;
  const self = { onChange: () => {} };

  function refresh() {
    return window.helpline.redraw("tasks", "/console/panel/tasks", (box) => {
      for (const form of box.querySelectorAll("form[data-task]")) {
        form.addEventListener("submit", (event) => act(event, form));
      }
    });
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
