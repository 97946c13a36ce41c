// A running job's page (jobs/detail.html) follows the job: status, stage and bar every second, and a reload
// when it finishes. A busy or failed answer is asked again a little later, so one busy moment does not stop the
// page following. Without JavaScript the page says to refresh it.
const root = document.querySelector("[data-job-state-url]");
const follow = async () => {
  const response = await fetch(root.dataset.jobStateUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) { setTimeout(follow, 3000); return; }
  const state = await response.json();
  if (state.status === "done" || state.status === "failed") { window.location.reload(); return; }
  document.getElementById("job-status").textContent = state.status_label + (state.stage ? ": " + state.stage : "");
  const bar = document.getElementById("job-bar");
  bar.setAttribute("aria-valuenow", state.percent);
  bar.querySelector("rect").setAttribute("width", state.percent);
  document.getElementById("job-count").textContent = state.total ? `${state.done} of ${state.total} steps (${state.percent}%)` : "";
  setTimeout(follow, 1000);
};
if (root) { setTimeout(follow, 1000); }
