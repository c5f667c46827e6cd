// The console's text conversations: rendered on the server, replied to and closed here.
"use strict";
(function () {
  const { api } = window.helpline;
  const self = { onChange: () => {} };

  function refresh() {
    return window.helpline.redraw("texts", "/console/panel/texts", (box) => {
      for (const form of box.querySelectorAll("form[data-text]")) {
        form.addEventListener("submit", (event) => act(event, form));
      }
    });
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
