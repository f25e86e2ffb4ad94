// The form ↔ the API's JSON, by each input's data-path (the API's own field path) and
// data-kind: text, choice, int, fen (元 on screen), percent (basis points in the API), date,
// bool (a 是/否 select or a tick box) and set (tick boxes of one list of choices).

import { $$, fenToText, toFen } from "./dom.js";

function splitPath(path) {
  return path.split(/\.|(?=\[)/).map((part) => (part.startsWith("[") ? Number(part.slice(1, -1)) : part));
}

export function getPath(object, path) {
  let value = object;
  for (const key of splitPath(path)) {
    if (value === null || value === undefined) return undefined;
    value = value[key];
  }
  return value;
}

function setPath(object, path, value) {
  const keys = splitPath(path);
  let here = object;
  keys.slice(0, -1).forEach((key, i) => {
    if (here[key] === undefined) here[key] = typeof keys[i + 1] === "number" ? [] : {};
    here = here[key];
  });
  here[keys.at(-1)] = value;
}

const INPUTS = "input[data-path], select[data-path], textarea[data-path]";

export function fill(root, data) {
  for (const input of $$(INPUTS, root)) {
    const value = getPath(data, input.dataset.path);
    const kind = input.dataset.kind || "text";
    if (kind === "set") input.checked = (value || []).includes(input.value);
    else if (input.type === "checkbox") input.checked = value === true;
    else if (kind === "fen") input.value = fenToText(value);
    else if (kind === "percent") input.value = value ? (value / 100).toFixed(2) : "";
    else input.value = value === null || value === undefined ? "" : String(value);
  }
}

// The body, and the problems found before asking the API (a 元 amount that is not a number).
export function collect(root) {
  const body = {};
  const problems = [];
  for (const input of $$(INPUTS, root)) {
    const path = input.dataset.path;
    const kind = input.dataset.kind || "text";
    const raw = input.type === "checkbox" ? input.checked : input.value.trim();
    if (kind === "set") {
      if (raw) setPath(body, path, [...(getPath(body, path) || []), input.value]);
      continue;
    }
    if (input.type === "checkbox") {
      setPath(body, path, raw);
      continue;
    }
    if (raw === "") continue;
    if (kind === "fen" || kind === "percent") {
      const fen = toFen(raw);
      if (Number.isNaN(fen)) problems.push({ path, message: "请输入数字，最多两位小数" });
      else setPath(body, path, fen);
    } else if (kind === "int") {
      if (/^\d+$/.test(raw)) setPath(body, path, Number(raw));
      else problems.push({ path, message: "请输入整数" });
    } else if (kind === "bool") {
      setPath(body, path, raw === "true");
    } else {
      setPath(body, path, input.tagName === "TEXTAREA" ? input.value : raw);
    }
  }
  return { body, problems };
}
