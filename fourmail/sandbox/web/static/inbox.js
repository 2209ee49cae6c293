// The web inbox's live updates: the sandbox pushes the store's changes over a websocket
// (/api/events, see live.py); this inserts new rows, drops deleted ones, marks read/unread and
// refreshes the folder counts. Rows and the folder list come rendered (and escaped) by the server.
"use strict";
(function () {
  const body = document.body;
  const view = body.dataset.view;
  const scope = new URLSearchParams();
  if (body.dataset.account) scope.set("account", body.dataset.account);
  if (body.dataset.folder) scope.set("folder", body.dataset.folder);
  if (body.dataset.query) scope.set("q", body.dataset.query);
  let delay = 500, opened = false;

  function rowOf(id) {
    for (const tr of document.querySelectorAll("#messages tbody tr[data-id]")) {
      if (tr.dataset.id === id) return tr;
    }
    return null;
  }

  function count(delta) {
    const el = document.getElementById("count");
    if (el) el.textContent = String(Math.max(0, Number(el.textContent) + delta));
  }

  async function added(summary) {
    if (view !== "list" || rowOf(summary.ID)) return;
    const answer = await fetch("/row/" + encodeURIComponent(summary.ID) + "?" + scope);
    if (!answer.ok || rowOf(summary.ID)) return;
    const tbody = document.querySelector("#messages tbody");
    tbody.insertAdjacentHTML("afterbegin", await answer.text());
    tbody.firstElementChild.classList.add("arrived");
    count(1);
  }

  function removed(data) {
    const tr = rowOf(data.ID);
    if (tr) { tr.remove(); count(-1); }
    if (view === "message" && body.dataset.id === data.ID) {
      const note = document.querySelector(".gone");
      if (note) note.hidden = false;
    }
  }

  function updated(data) {
    const tr = rowOf(data.ID);
    if (!tr) return;
    tr.classList.toggle("read", data.Read);
    tr.classList.toggle("unread", !data.Read);
    const flags = tr.querySelector(".flags");
    if (flags) {
      flags.replaceChildren(...data.Flags.map((f) => {
        const span = document.createElement("span");
        span.className = "flag " + f.toLowerCase();
        span.title = f;
        return span;
      }));
    }
  }

  function stats(data) {
    const key = JSON.stringify([data.Account, data.Folder]);
    for (const el of document.querySelectorAll(".count[data-folder]")) {
      if (el.dataset.folder === key) el.textContent = data.Unread + "/" + data.Total;
    }
  }

  async function folders() {
    const answer = await fetch("/nav?" + scope);
    if (answer.ok) document.getElementById("accounts").innerHTML = await answer.text();
  }

  function handle(event) {
    const data = event.Data;
    switch (event.Type) {
      case "new": return added(data);
      case "delete": return removed(data);
      case "update": return updated(data);
      case "stats": return stats(data);
      case "folders": return folders();
    }
  }

  function connect() {
    const ws = new WebSocket("ws://" + location.host + "/api/events?" + scope);
    ws.onopen = () => {
      if (opened && view === "list") { location.reload(); return; }   // back after a break: catch up
      opened = true;
      delay = 500;
      body.classList.add("connected");
    };
    ws.onmessage = (message) => { handle(JSON.parse(message.data)); };
    ws.onclose = () => {
      body.classList.remove("connected");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }
  connect();
})();
