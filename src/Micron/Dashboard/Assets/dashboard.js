// The Micron dashboard: reads /_micron/dashboard/data every second and redraws the tables.
"use strict";
(() => {
  const body = name => document.querySelector(`[data-testid="${name}"] tbody`);
  const cell = (text, className) => {
    const td = document.createElement("td");
    td.textContent = text ?? "";
    if (className) td.className = className;
    return td;
  };
  const row = (cells, attrs) => {
    const tr = document.createElement("tr");
    for (const [k, v] of Object.entries(attrs ?? {})) tr.setAttribute(k, v);
    tr.append(...cells);
    return tr;
  };
  const ms = value => value == null ? "" : value < 10 ? value.toFixed(2) : value.toFixed(1);
  const ago = millis => millis < 1000 ? `${millis} ms ago` : `${(millis / 1000).toFixed(1)} s ago`;

  function render(data) {
    document.getElementById("host").textContent =
      data.localServices.length ? `this host runs: ${data.localServices.join(", ")}` : "this host runs no service (gateway)";

    body("services").replaceChildren(...data.services.map(s => row([
      cell(s.name), cell(s.health, s.health), cell(String(s.up), "num"), cell(String(s.down), "num"),
      cell(s.versions.join(", ")), cell(s.local ? "yes" : ""),
    ], { "data-service": s.name, "data-health": s.health })));

    body("instances").replaceChildren(...data.instances.map(i => row([
      cell(i.service), cell(i.status, i.status), cell(i.instance), cell(i.url), cell(i.version),
      cell(String(i.inFlight), "num"),
      cell(i.status === "down" ? `down since ${new Date(i.downSince).toLocaleTimeString()}` : i.local ? "this host" : ago(i.lastSeenMs)),
    ], { "data-service": i.service, "data-instance": i.instance, "data-status": i.status, class: i.status === "down" ? "gone" : "" })));

    body("routes").replaceChildren(...data.routes.map(r => row([
      cell(r.method), cell(r.path), cell(r.service ?? ""), cell(r.placement),
      cell(r.rate.toFixed(1), "num"), cell(ms(r.p50Ms), "num"), cell(ms(r.p99Ms), "num"),
      cell(String(r.minuteErrors), r.minuteErrors > 0 ? "num down" : "num"), cell(String(r.requests), "num"),
    ], { "data-path": r.path, "data-method": r.method })));

    document.getElementById("conflicts-section").hidden = data.conflicts.length === 0;
    body("conflicts").replaceChildren(...data.conflicts.map(c => row([
      cell(c.method), cell(c.path), cell(c.services.join(", ")),
    ])));
  }

  async function refresh() {
    const state = document.getElementById("state");
    try {
      const response = await fetch("/_micron/dashboard/data", { cache: "no-store", credentials: "same-origin" });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      render(await response.json());
      state.textContent = `updated ${new Date().toLocaleTimeString()}`;
      state.className = "state";
    } catch (error) {
      state.textContent = `cannot reach the host: ${error.message}`;
      state.className = "state error";
    } finally {
      setTimeout(refresh, 1000);
    }
  }

  refresh();
})();
