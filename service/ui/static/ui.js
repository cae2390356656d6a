// Progressive enhancement only: every page works without this script (forms post, links navigate).
// With it: the upload shows its progress and can send a folder; batch progress updates live.
"use strict";

function uploadWithProgress(form) {
  const archive = form.querySelector("#archive");
  const folder = form.querySelector("#folder");
  const bar = form.querySelector("#upload-progress");
  const status = form.querySelector("#upload-status");
  form.addEventListener("submit", (event) => {
    let body = null;
    let type = null;
    if (archive.files.length === 1) {
      body = archive.files[0];
      type = "application/zip";
    } else if (folder.files.length > 0) {
      body = new FormData();
      const files = Array.from(folder.files);
      const manifest = files.find((f) => f.webkitRelativePath.split("/").slice(1).join("/") === "manifest.json");
      if (!manifest) {
        event.preventDefault();
        status.textContent = "The folder has no manifest.json at its top.";
        return;
      }
      body.append("manifest", manifest, "manifest.json");
      for (const f of files) {
        const inside = f.webkitRelativePath.split("/").slice(1).join("/");
        if (f !== manifest) body.append("file", f, inside);
      }
    } else {
      return; // nothing chosen: let the form post and the server explain
    }
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", "/ui/batches");
    request.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
    if (type) request.setRequestHeader("Content-Type", type);
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "Uploading…";
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    request.addEventListener("load", () => {
      let answer = {};
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = {}; }
      if (request.status === 201 && answer.url) {
        bar.value = 100;
        status.textContent = "Uploaded: opening the batch…";
        window.location.assign(answer.url);
      } else {
        status.textContent = "Upload refused: " + (answer.detail || request.statusText) + (answer.field ? " (" + answer.field + ")" : "");
      }
    });
    request.addEventListener("error", () => { status.textContent = "The upload failed: check the connection and try again."; });
    request.send(body);
  });
}

function followProgress(element) {
  const batch = element.dataset.batch;
  async function poll() {
    let rows = [];
    try {
      const answer = await fetch(element.dataset.live, { credentials: "same-origin", cache: "no-store" });
      if (!answer.ok) return;
      rows = await answer.json();
    } catch (e) {
      setTimeout(poll, 5000);
      return;
    }
    let pending = false;
    for (const row of rows) {
      const target = batch ? (row.batch_id === batch ? element : null) : element.querySelector(`tr[data-batch="${row.batch_id}"]`);
      if (!target) continue;
      target.querySelector("progress").value = row.done;
      target.querySelector(".done").textContent = row.done;
      target.querySelector(".state").textContent = row.state;
      if (!batch) {
        for (const v of ["ready", "fix_required", "review"]) target.querySelector("td." + v).textContent = row.counts[v];
      }
      if (row.done < row.total) pending = true;
      if (batch && row.done === row.total && element.dataset.state !== "done" && row.state === "done") {
        window.location.reload(); // the bundles are all checked: show them
        return;
      }
    }
    if (pending || (batch && element.dataset.state !== "done")) setTimeout(poll, 1500);
  }
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("#upload");
  if (form) uploadWithProgress(form);
  const live = document.querySelector("[data-live]");
  if (live) followProgress(live);
  for (const f of document.querySelectorAll("form[data-confirm]")) {
    f.addEventListener("submit", (e) => { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
  }
});
