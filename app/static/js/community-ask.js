// The ask page: while a question is typed, show questions already asked that look like it
// (GET /community/similar), so the asker may find an answer before posting. The form works
// the same without this script. Titles are put in as text, never parsed as HTML.
"use strict";
(function () {
  const title = document.getElementById("title");
  const list = document.getElementById("similar");
  const hint = document.getElementById("similar-hint");
  if (!title || !list || !window.helpline) return;
  const { el, fill } = window.helpline;
  let timer = null, asked = "", controller = null;

  async function lookUp() {
    const text = title.value.trim();
    if (text === asked) return;
    asked = text;
    if (text.length < 3) { fill(list); hint.hidden = false; return; }
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const url = title.dataset.similarUrl + "?q=" + encodeURIComponent(text);
      const response = await fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal });
      if (!response.ok) return;
      show((await response.json()).questions || []);
    } catch (error) {
      if (error.name !== "AbortError") asked = "";  // try again on the next keystroke
    }
  }

  function show(questions) {
    hint.hidden = questions.length > 0;
    fill(list, questions.map((q) => el("li", {},
      el("a", { href: q.url }, q.title),
      el("span", { class: "muted" }, ` · ${q.answers} answer${q.answers === 1 ? "" : "s"}${q.solved ? " · solved" : ""}`),
    )));
  }

  title.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 250);
  });
  if (title.value) lookUp();
})();
