// The supervisor dashboard: the server renders every figure; this keeps them live (on the
// live feed's events, or by polling) and runs the audited changes through a confirm dialog.
"use strict";
(function () {
  const { api, el, fill, duration, live } = window.helpline;
  const pct = (v) => (v === null || v === undefined ? "–" : `${Math.round(v * 100)}%`);
  const secs = (v) => (v === null || v === undefined ? "–" : `${Math.round(v)} s`);
  const label = (state) => state.replace("_", " ");
  let queueNames = [], agentList = [];

  function notice(text, bad) {
    const node = document.getElementById("notice");
    node.className = bad ? "alert error" : "alert ok";
    node.textContent = text;
    node.hidden = false;
  }

  function levelBadge(row) {
    if (row.meets_target === null) return el("span", { class: "badge" }, "no calls yet");
    const good = row.meets_target;
    return el("span", { class: `badge ${good ? "good" : "bad"}` },
      `${pct(row.service_level)} · ${good ? "meets target" : "below target"}`);
  }

  function agentsCell(counts) {
    const parts = Object.entries(counts).filter(([, n]) => n).sort();
    if (!parts.length) return el("span", { class: "muted" }, "nobody logged in");
    return parts.flatMap(([state, n], i) => [i ? ", " : null,
      el("span", { class: `state-${state}` }, `${label(state)} ${n}`)]);
  }

  // An empty list reads as the server renders it, not as a blank table.
  const none = (id, columns, text) => fill(id, el("tr", {}, el("td", { colspan: columns, class: "empty" }, text)));

  const render = {
    queues(rows) {
      queueNames = rows.map((r) => r.queue);
      if (!rows.length) { none("queues", 7, "No queues."); return; }
      fill("queues", rows.map((r) => el("tr", { "data-queue": r.queue },
        el("th", { scope: "row" }, r.queue), el("td", { class: "num waiting" }, r.waiting),
        el("td", { class: "num" }, secs(r.longest_wait_seconds)), el("td", {}, levelBadge(r)),
        el("td", { class: "num" }, secs(r.average_speed_of_answer_seconds)),
        el("td", { class: "num" }, pct(r.abandonment_rate)), el("td", {}, agentsCell(r.agents)))));
    },
    agents(rows) {
      agentList = rows;
      if (!rows.length) { none("agents", 6, "No agents."); return; }
      fill("agents", rows.map((a) => el("tr", { "data-agent": a.id },
        el("th", { scope: "row" }, a.name), el("td", { class: `state-${a.state}` }, label(a.state)),
        el("td", { class: "num" }, a.seconds_in_state === null ? "–" : duration(a.seconds_in_state)),
        el("td", {}, a.contact || "–"), el("td", { class: "num" }, a.handled_today),
        el("td", {}, el("button", { type: "button", class: "force-state", "data-agent": a.id, "data-name": a.name },
          `Set state of ${a.name}`)))));
    },
    switches(rows) {
      if (!rows.length) { none("switches", 3, "No flow in service names a closed switch."); return; }
      fill("switches", rows.map((s) => el("tr", { "data-switch": s.name },
        el("th", { scope: "row" }, s.name),
        el("td", {}, s.on ? el("span", { class: "badge bad" }, "on: line closed")
          : el("span", { class: "badge good" }, "off: line follows its hours")),
        el("td", {}, el("button", { type: "button", class: "flip-switch", "data-switch": s.name, "data-on": String(!s.on) },
          `${s.on ? "Turn off" : "Turn on"} ${s.name}`)))));
    },
    tasks(rows) {
      if (!rows.length) { none("tasks", 7, "No open tasks."); return; }
      fill("tasks", rows.map((t) => el("tr", { "data-task": t.id },
        el("th", { scope: "row" }, t.id), el("td", {}, t.kind + (t.given_up ? " (given up)" : "")),
        el("td", {}, t.queue), el("td", {}, t.phone), el("td", {}, t.where), el("td", {}, t.notes),
        el("td", {}, el("button", { type: "button", class: "task-action", "data-task": t.id }, `Reassign or close task ${t.id}`)))));
    },
    audit(page) {
      if (page.page !== 1) return; // an older page stays as the reader left it
      if (!page.entries.length) { none("audit", 5, "Nothing yet."); return; }
      fill("audit", page.entries.map((e) => el("tr", {}, el("td", {}, e.at), el("td", {}, e.user),
        el("td", {}, e.action), el("td", {}, e.target), el("td", {}, e.reason))));
    },
  };

  const auditPage = () => Number(new URLSearchParams(location.search).get("page") || 1);

  async function refresh(parts) {
    for (const name of parts || Object.keys(render)) {
      try {
        const data = await api("GET", `/api/supervisor/${name}${name === "audit" ? `?page=${auditPage()}` : ""}`);
        render[name](data);
      } catch (error) { /* the banner says the server is away; the next event retries */ }
    }
  }

  // One dialog for every audited change: a question, optional choices, a reason.
  const dialog = document.getElementById("confirm");
  let onConfirm = null;
  function ask(title, text, reasonLabel, choices, action) {
    fill("confirm-title", title);
    fill("confirm-text", text);
    fill("confirm-choices", choices || []);
    fill("confirm-reason-label", reasonLabel);
    document.getElementById("confirm-reason").value = "";
    document.getElementById("confirm-error").hidden = true;
    onConfirm = action;
    dialog.showModal();
  }
  document.getElementById("confirm-cancel").addEventListener("click", () => dialog.close());
  document.getElementById("confirm-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = document.getElementById("confirm-reason").value.trim();
    const problem = document.getElementById("confirm-error");
    if (!reason) { problem.textContent = "Give a reason."; problem.hidden = false; return; }
    try {
      const message = await onConfirm(reason);
      dialog.close();
      notice(message);
      refresh();
    } catch (error) { problem.textContent = error.message; problem.hidden = false; }
  });

  function radios(name, options) {
    return el("fieldset", { class: "stack" }, el("legend", {}, "Choose"),
      options.map(([value, text], i) => el("label", {},
        el("input", { type: "radio", name, value, checked: i === 0 }), " ", text)));
  }
  const chosen = (name) => document.querySelector(`#confirm-choices input[name="${name}"]:checked`).value;

  function selectOf(id, text, options) {
    return el("div", { class: "stack" }, el("label", { for: id }, text),
      el("select", { id }, el("option", { value: "" }, "—"), options.map(([v, t]) => el("option", { value: v }, t))));
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("flip-switch")) {
      const name = button.dataset.switch, on = button.dataset.on === "true";
      ask(on ? `Close the lines of ${name}?` : `Open the lines of ${name}?`,
        on ? "Callers on every line whose flow names this switch will hear the closed path until it is turned off."
          : "Those lines will follow their business hours again.",
        "Reason (kept in the audit log)", null,
        async (reason) => { await api("POST", `/api/supervisor/switches/${encodeURIComponent(name)}`, { on, reason });
          return `${name} is ${on ? "on" : "off"}.`; });
    } else if (button.classList.contains("force-state")) {
      const id = button.dataset.agent, name = button.dataset.name;
      ask(`Set the state of ${name}`, "An agent on a contact keeps it until they finish.", "Reason (kept in the audit log)",
        radios("state", [["away", "Away"], ["available", "Available"], ["offline", "Offline"]]),
        async (reason) => { const state = chosen("state");
          await api("POST", `/api/supervisor/agents/${id}/state`, { state, reason });
          return `${name} is ${label(state)}.`; });
    } else if (button.classList.contains("task-action")) {
      const id = button.dataset.task;
      ask(`Task ${id}`, "Move it to a queue, give it to an agent, or close it.", "Reason or closing note (kept in the audit log)",
        [radios("task", [["queue", "Move to a queue"], ["agent", "Give to an agent"], ["close", "Close it"]]),
          selectOf("task-queue", "Queue", queueNames.map((q) => [q, q])),
          selectOf("task-agent", "Agent", agentList.map((a) => [a.id, a.name]))],
        async (reason) => {
          const what = chosen("task");
          if (what === "close") { await api("POST", `/api/supervisor/tasks/${id}/close`, { note: reason }); return `Task ${id} closed.`; }
          const body = what === "queue" ? { queue: document.getElementById("task-queue").value }
            : { agent_id: Number(document.getElementById("task-agent").value) };
          await api("POST", `/api/supervisor/tasks/${id}/reassign`, body);
          return `Task ${id} reassigned.`;
        });
    }
  });

  const form = document.getElementById("weights-form");
  function weightFields() {
    const fields = {};
    form.querySelectorAll("dl.weights input").forEach((input) => { fields[input.name] = input.value; });
    return fields;
  }
  function whatIfSource(result) {
    const period = result.period, s = result.scenario;
    const agents = { record: "the most who answered calls in one hour", form: "as given", default: "the default" }[s.agents_from];
    const days = `${period.days} day${period.days === 1 ? "" : "s"} to ${period.to.slice(0, 16).replace("T", " ")} UTC`;
    if (result.source === "recorded") {
      const kept = period.truncated ? " (the newest kept)" : "";
      return `Replayed ${period.contacts} recorded calls of the last ${days}${kept}, ${s.agents} agents (${agents}).`;
    }
    return `Generated traffic: only ${period.contacts} recorded calls in the last ${days} (fewer than 50); ${s.agents} agents (${agents}).`;
  }
  document.getElementById("what-if").addEventListener("click", async () => {
    const load = { days: form.days.value, calls_per_hour: form.calls_per_hour.value, aht_seconds: form.aht_seconds.value, agents: form.agents.value };
    fill("what-if-result", el("p", { class: "muted" }, "Simulating…"));
    try {
      const result = await api("POST", "/api/supervisor/weights/what-if", { fields: weightFields(), load });
      fill("what-if-result", el("p", { class: "muted" }, whatIfSource(result)), el("table", {},
        el("caption", {}, result.source === "recorded" ? `Service level per tier, ${result.period.contacts} recorded calls, ${result.scenario.agents} agents`
          : `Service level per tier, ${result.scenario.calls_per_hour} calls/h, ${result.scenario.agents} agents`),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Tier"), el("th", { scope: "col", class: "num" }, "Before"), el("th", { scope: "col", class: "num" }, "After"))),
        el("tbody", {}, result.tiers.map((t) => el("tr", {}, el("th", { scope: "row" }, t.tier),
          el("td", { class: "num" }, pct(t.before)), el("td", { class: "num" }, pct(t.after)))),
          el("tr", {}, el("th", { scope: "row" }, "all"), el("td", { class: "num" }, pct(result.before.service_level)),
            el("td", { class: "num" }, pct(result.after.service_level))))));
    } catch (error) {
      fill("what-if-result", el("p", { class: "alert error", role: "alert" }, error.message));
    }
  });
  document.getElementById("save-weights").addEventListener("click", async () => {
    try {
      await api("POST", "/api/supervisor/weights", { fields: weightFields(), reason: form.reason.value });
      fill("weights-source", "Saved by a supervisor: every process routes by these.");
      notice("Weights saved: routing uses them within seconds.");
      refresh(["audit"]);
    } catch (error) { notice(error.message, true); }
  });

  refresh(["queues", "agents"]); // the names the task dialog offers
  live(() => refresh(), 3);
})();
