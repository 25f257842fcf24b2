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
// Names are dotted paths with list indices (points.0.measures.1.deadline). A list's <template>
// holds one item with the placeholder __iN__ for its index; nested lists inside it keep their own
// placeholder and their own <template>, which querySelectorAll does not enter: renaming walks
// into every template's content as well.
const RENAMED = ["name", "id", "for", "list", "data-path", "data-name", "data-for", "data-item"];

function renameAll(root, rename) {
  root.querySelectorAll("*").forEach((node) => {
    RENAMED.forEach((attr) => {
      if (node.hasAttribute(attr)) node.setAttribute(attr, rename(node.getAttribute(attr)));
    });
    if (node.tagName === "BUTTON" && node.value.includes(":")) {
      const [verb, path] = node.value.split(/:(.*)/s);
      node.value = `${verb}:${rename(path)}`;
    }
    if (node.tagName === "TEMPLATE") renameAll(node.content, rename);
  });
}

function itemsOf(list) {
  return list.querySelectorAll(":scope > ol.items > li.item");
}

function addItem(list) {
  const fragment = list.querySelector(":scope > template").content.cloneNode(true);
  const placeholder = list.dataset.placeholder;
  const index = String(itemsOf(list).length);
  renameAll(fragment, (value) => value.split(placeholder).join(index));
  list.querySelector(":scope > ol.items").appendChild(fragment);
}

// After a removal the items are numbered 0, 1, 2 … again, so that the names the server reads
// and the paths of its findings point at the items the clerk sees.
function renumber(list) {
  itemsOf(list).forEach((item, position) => {
    const old = item.dataset.item;
    const now = `${list.dataset.name}.${position}`;
    if (old === now) return;
    const rename = (value) => (value === old || value.startsWith(old + ".") ? now + value.slice(old.length) : value);
    item.dataset.item = now;
    renameAll(item, rename);
  });
}

function removeItem(item) {
  const list = item.closest("fieldset.list");
  item.remove();
  renumber(list);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[name=_action]");
  if (!button || !button.form || button.form.id !== "case-form") return;
  const form = button.form;
  const value = button.value;
  if (value.startsWith("add:")) {
    event.preventDefault();
    const list = button.closest("fieldset.list");
    addItem(list);
    const added = itemsOf(list)[itemsOf(list).length - 1];
    const first = added.querySelector("input, textarea, select");
    if (first) first.focus();
    saveDraft(form);
  } else if (value.startsWith("remove:")) {
    event.preventDefault();
    removeItem(button.closest("li.item"));
    saveDraft(form);
  } else if (value === "check") {
    event.preventDefault();
    check(form);
  } else if (value === "preview") {
    event.preventDefault();
    preview(form);
  } else if (value === "docx" || value === "pdf") {
    // Check first: with errors the clerk stays on the page, with everything typed and the
    // findings beside their fields; without, the form is submitted and the file downloads.
    event.preventDefault();
    check(form).then((result) => {
      if (!result.findings.some((f) => f.severity === "error")) form.requestSubmit(button);
    });
  }
});

// Enter in a one-line field checks the form instead of pressing whatever button comes first.
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || !field.form || field.form.id !== "case-form") return;
  if (field.tagName !== "INPUT" || ["button", "submit", "checkbox"].includes(field.type)) return;
  event.preventDefault();
  check(field.form);
});

// --- the clerk's draft, kept in the browser ---------------------------------------------------
// Every change is saved for this kind of document. A plain visit of the form (a reload, Back, a
// link) restores it, lists included; 清空重填 drops it, and 载入示例 asks before replacing it.
function draftKey(form) {
  return `docgen-draft:${form.dataset.kind}`;
}

function readDraft(form) {
  try {
    return JSON.parse(localStorage.getItem(draftKey(form)) || "null");
  } catch (error) {
    return null;
  }
}

function formState(form) {
  const lists = [...form.querySelectorAll("fieldset.list")].map((list) => [list.dataset.name, itemsOf(list).length]);
  const values = [...form.elements]
    .filter((node) => node.name && !node.name.startsWith("_") && node.tagName !== "BUTTON")
    .map((node) => [node.name, node.type === "checkbox" ? node.checked : node.value]);
  return { lists, values };
}

function showDraftStatus(form, text) {
  const status = document.querySelector("#draft-status");
  if (!status) return;
  status.querySelector(".text").textContent = text;
  status.hidden = false;
}

let draftDiscarded = false;  // set when the clerk clears the draft or replaces it by a sample

function discardDraft(form) {
  draftDiscarded = true;
  localStorage.removeItem(draftKey(form));
}

function saveDraft(form) {
  if (draftDiscarded) return;
  const state = formState(form);
  try {
    localStorage.setItem(draftKey(form), JSON.stringify({ ...state, saved: Date.now() }));
  } catch (error) {
    showDraftStatus(form, "浏览器不允许保存草稿，请勿刷新或离开本页。");
    return;
  }
  const time = new Date().toLocaleTimeString("zh-CN", { hour12: false });
  showDraftStatus(form, `已自动保存（${time}），刷新或离开本页后再打开仍会保留。`);
}

function restoreDraft(form, draft) {
  draft.lists.forEach(([name, count]) => {
    const list = form.querySelector(`fieldset.list[data-name="${CSS.escape(name)}"]`);
    if (!list) return;
    while (itemsOf(list).length > count) itemsOf(list)[itemsOf(list).length - 1].remove();
    while (itemsOf(list).length < count) addItem(list);
  });
  draft.values.forEach(([name, value]) => {
    const node = form.elements.namedItem(name);
    if (!node || node instanceof RadioNodeList) return;
    if (node.type === "checkbox") node.checked = value === true;
    else node.value = value;
  });
  const time = new Date(draft.saved).toLocaleTimeString("zh-CN", { hour12: false });
  showDraftStatus(form, `已恢复 ${time} 自动保存的草稿。`);
}

function setUpDraft(form) {
  const asServed = JSON.stringify(formState(form));
  const draft = readDraft(form);
  if (new URLSearchParams(window.location.search).has("sample")) {
    // A loaded sample becomes the draft, and the address the plain form's, so that a reload or
    // a later visit shows the clerk's edits of it rather than the sample afresh.
    saveDraft(form);
    window.history.replaceState(null, "", form.dataset.emptyUrl);
  } else if ("restore" in form.dataset) {
    if (draft) restoreDraft(form, draft);
  } else {
    saveDraft(form);  // a page the server filled in after a plain submit
  }
  let timer = null;
  const now = () => {
    clearTimeout(timer);
    saveDraft(form);
  };
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(now, 250);
  });
  form.addEventListener("change", now);
  window.addEventListener("pagehide", now);  // a reload or a link within the typing pause
  document.querySelector("#clear-draft").addEventListener("click", () => {
    if (!window.confirm("清空后已填写的内容将全部删除，确定清空吗？")) return;
    discardDraft(form);
    window.location.assign(form.dataset.emptyUrl);
  });
  const samples = document.querySelector("form#samples");
  if (samples) {
    samples.addEventListener("submit", (event) => {
      if (JSON.stringify(formState(form)) !== asServed && !window.confirm("载入示例会替换您已填写的内容，确定载入吗？")) {
        event.preventDefault();
        return;
      }
      discardDraft(form);
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form#case-form");
  if (form) setUpDraft(form);
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

function findingItem(f) {
  const item = el("li", { class: `finding ${f.severity}` });
  if (f.where) item.append(el("span", { class: "where" }, f.where), document.createTextNode("："));
  item.append(document.createTextNode(f.reason || f.message), el("small", { class: "code" }, f.code));
  return item;
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
    const item = findingItem(f);
    list.appendChild(item);
    const place = placeFor(form, (result.paths || {})[f.path] || f.path.replace(/\[(\d+)\]/g, ".$1"));
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
  const result = await response.json();
  showFindings(form, result);
  return result;
}

async function preview(form) {
  const box = form.querySelector("#preview-box");
  const response = await fetch(form.dataset.previewUrl, { method: "POST", body: new FormData(form) });
  if (response.ok) {
    box.querySelector("img").src = URL.createObjectURL(await response.blob());
    box.hidden = false;
    box.scrollIntoView({ behavior: "smooth" });
  } else {
    showFindings(form, await response.json());
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
    const answer = await fetch(job.status_url);
    const state = await answer.json();
    if (!answer.ok) {
      text.textContent = `查询失败：${state.detail || state.title}`;
      return;
    }
    bar.max = state.total || 1;
    bar.value = state.done || 0;
    text.textContent = `已生成 ${state.done || 0} / ${state.total || "?"} 件`;
    // A merged PDF is converted once every document is rendered: the last step takes a while.
    if (state.total && state.done >= state.total) text.textContent += "，正在汇总为一个文件……";
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
    if (state.state === "cancelled") {
      text.textContent = "已取消：批量任务已被取消，没有生成文件";
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
});

// A kind a spreadsheet cannot carry is offered with case data files only.
function offerFiles(select) {
  const tabular = select.selectedOptions[0] && select.selectedOptions[0].hasAttribute("data-tabular");
  const input = document.querySelector("#cases");
  const hint = document.querySelector("#cases-hint");
  input.accept = tabular ? input.dataset.tabularAccept : input.dataset.dataAccept;
  hint.textContent = tabular ? hint.dataset.tabularText : hint.dataset.dataText;
}

document.addEventListener("change", (event) => {
  if (event.target.matches("form#batch-form #kind")) offerFiles(event.target);
});
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector("form#batch-form #kind");
  if (select) offerFiles(select);
});

// Each problem by where the clerk can fix it: the sheet row and column when the case came from a
// table, else the case (its row, its number); the message without its leading data path.
function renderReport(report) {
  const box = document.querySelector("#batch-report");
  box.replaceChildren();
  report.filter((entry) => !entry.ok || (entry.findings || []).length).forEach((entry) => {
    const who = entry.origin || entry.item || `第${entry.index + 1}件`;
    (entry.findings || []).forEach((f) => {
      const reason = f.message.startsWith(`${f.path}：`) ? f.message.slice(f.path.length + 1) : f.message;
      const item = el("li", { class: `finding ${f.severity}` });
      item.append(el("span", { class: "where" }, f.where || who), `：${reason}`, el("small", { class: "code" }, f.code));
      box.appendChild(item);
    });
  });
}
