// docgen: progressive enhancement of the plain HTML forms. Without JavaScript every button
// still works as an ordinary form submit handled by the server.
"use strict";

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// --- dynamic lists -------------------------------------------------------------------
function addItem(list) {
  const template = list.querySelector(":scope > template");
  const index = Number(list.dataset.next || 0);
  list.dataset.next = String(index + 1);
  const placeholder = list.dataset.placeholder;
  const fragment = template.content.cloneNode(true);
  fragment.querySelectorAll("[name],[id],[for],[value],[data-path],[data-name],[data-for]").forEach((node) => {
    ["name", "id", "for", "data-path", "data-name", "data-for"].forEach((attr) => {
      if (node.hasAttribute(attr)) node.setAttribute(attr, node.getAttribute(attr).split(placeholder).join(String(index)));
    });
    if (node.tagName === "BUTTON" && node.value) node.value = node.value.split(placeholder).join(String(index));
  });
  list.querySelector(":scope > ol.items").appendChild(fragment);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[name=_action]");
  if (!button) return;
  const value = button.value;
  if (value.startsWith("add:")) {
    event.preventDefault();
    addItem(button.closest("fieldset.list"));
  } else if (value.startsWith("remove:")) {
    event.preventDefault();
    button.closest("li.item").remove();
  } else if (value === "check" && button.form.dataset.checkUrl) {
    event.preventDefault();
    check(button.form);
  } else if (value === "preview" && button.form.dataset.previewUrl) {
    event.preventDefault();
    preview(button.form);
  }
});

// --- checking without reloading ------------------------------------------------------------
function clearFindings(form) {
  form.querySelectorAll(".findings").forEach((ul) => ul.replaceChildren());
  form.querySelectorAll(".has-error,.has-warning").forEach((node) => node.classList.remove("has-error", "has-warning"));
}

function placeFor(form, dotted) {
  // The field itself, or its nearest enclosing list/group, or the form's summary.
  let path = dotted;
  while (path) {
    const target = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    if (target) return target;
    path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
  }
  return null;
}

function showFindings(form, result) {
  clearFindings(form);
  const summary = form.querySelector("#summary");
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const warnings = result.findings.length - errors;
  summary.className = "summary " + (errors ? "has-error" : warnings ? "has-warning" : "ok");
  const headline = errors
    ? `有 ${errors} 处错误${warnings ? `、${warnings} 处提醒` : ""}，请按字段旁的提示修改。`
    : warnings ? `检查通过，有 ${warnings} 处提醒，可以生成文书。` : "检查通过，可以生成文书。";
  const list = el("ul", { class: "all-findings" });
  result.findings.forEach((f) => {
    const item = el("li", { class: `finding ${f.severity}` });
    item.append(el("span", { class: "code" }, f.code), document.createTextNode(" " + f.message));
    list.appendChild(item);
    const place = placeFor(form, result.paths[f.path] || f.path);
    if (place) {
      place.classList.add(f.severity === "error" ? "has-error" : "has-warning");
      const ul = place.querySelector(":scope > .findings") || place.appendChild(el("ul", { class: "findings" }));
      ul.appendChild(item.cloneNode(true));
    }
  });
  const strong = el("strong", {}, headline);
  const p = el("p");
  p.appendChild(strong);
  summary.replaceChildren(p, list);
  const first = form.querySelector(".has-error, .has-warning");
  (first && first !== summary ? first : summary).scrollIntoView({ block: "center", behavior: "smooth" });
}

async function check(form) {
  const response = await fetch(form.dataset.checkUrl, { method: "POST", body: new FormData(form) });
  showFindings(form, await response.json());
}

async function preview(form) {
  const box = form.querySelector("#preview-box");
  const response = await fetch(form.dataset.previewUrl, { method: "POST", body: new FormData(form) });
  if (response.ok) {
    box.querySelector("img").src = URL.createObjectURL(await response.blob());
    box.hidden = false;
    box.scrollIntoView({ behavior: "smooth" });
  } else {
    showFindings(form, Object.assign({ paths: {} }, await response.json()));
  }
}

// --- batches: a job with progress -------------------------------------------------------------
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches("form#batch-form") || !window.fetch) return;
  event.preventDefault();
  const status = document.querySelector("#batch-status");
  const bar = status.querySelector("progress");
  const text = status.querySelector(".text");
  status.hidden = false;
  text.textContent = "正在提交……";
  const response = await fetch(form.dataset.jobsUrl, { method: "POST", body: new FormData(form) });
  const job = await response.json();
  if (!response.ok) {
    text.textContent = `提交失败：${job.detail || job.title}`;
    renderReport(job.findings ? [{ item: "上传文件", ok: false, findings: job.findings }] : job.report || []);
    return;
  }
  for (;;) {
    const state = await (await fetch(job.status_url)).json();
    bar.max = state.total || 1;
    bar.value = state.done || 0;
    text.textContent = `已生成 ${state.done || 0} / ${state.total || "?"} 件`;
    if (state.state === "done") {
      const link = el("a", { href: job.result_url, id: "batch-download" }, "下载结果");
      text.replaceChildren(document.createTextNode(`完成：已生成 ${state.done} 件。`), link);
      renderReport(state.report || []);
      link.click();
      return;
    }
    if (state.state === "failed") {
      text.textContent = `失败：${(state.error && (state.error.detail || state.error.title)) || "未知错误"}`;
      renderReport((state.error && state.error.report) || []);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
});

function renderReport(report) {
  const box = document.querySelector("#batch-report");
  box.replaceChildren();
  report.filter((entry) => !entry.ok || (entry.findings || []).length).forEach((entry) => {
    const item = el("li", { class: entry.ok ? "finding warning" : "finding error" },
      `${entry.item || "第" + (entry.index + 1) + "件"}：` + (entry.findings || []).map((f) => f.message).join("；"));
    box.appendChild(item);
  });
}
