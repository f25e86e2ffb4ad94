// 收件材料 of an agency or a practitioner (the same API under both): add, name and save,
// upload, preview, delete. An image is checked here before it is sent — at most 500K, and its
// first bytes those of a PNG or a JPEG, as the API judges it — so a refused file costs no
// upload; whatever the API refuses anyway is shown under the same material.

import { call, post } from "./api.js";
import { $, element, localTime, message } from "./dom.js";

export const IMAGE_LIMIT = 500 * 1000; // the guide's 500K, as signing_flow.uploads
const SIGNATURES = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
];
const KIND_LABELS = { "image/png": "PNG", "image/jpeg": "JPEG" };

// The image's kind from its bytes (never its name or declared type), or null.
export async function sniffImage(file) {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const found = SIGNATURES.find(([, magic]) => magic.every((b, i) => head[i] === b));
  return found ? found[0] : null;
}

// The refusal, in the API's words, or "" when the file may be sent.
export async function refusal(file) {
  if (file.size > IMAGE_LIMIT) {
    return `文件大小不能超过 500K，所选文件为 ${Math.ceil(file.size / 1000)}K，未上传。请降低分辨率或另存为 JPEG 后再上传。`;
  }
  if (!(await sniffImage(file))) {
    return "只接受 JPEG、PNG 文件：所选文件的内容不是 PNG 或 JPEG 图片（与文件名无关），未上传。";
  }
  return "";
}

// The API's words without their English gloss, as problems.js shows them.
function chinese(text) {
  return text.replace(/\s*\((?:[^()]|\([^()]*\))*\)\s*$/, "");
}

async function upload(path, file) {
  // The body is the image itself; its kind goes as the type the browser read from the bytes.
  const kind = await sniffImage(file);
  return call("PUT", path, file, { headers: { "Content-Type": kind }, raw: true });
}

async function preview(img, path, signal) {
  const response = await fetch(path, { credentials: "same-origin", cache: "no-store", signal });
  if (!response.ok) return;
  if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(await response.blob());
  img.hidden = false;
}

function stateText(m) {
  if (!m.saved) return "未保存名称：请修改材料名称并保存，之后才能上传。";
  if (!m.uploaded) return "已保存，尚未上传图片。";
  const size = Math.ceil(m.size / 1000);
  return `已上传 ${KIND_LABELS[m.content_type] || ""} 图片，${size}K，${localTime(m.uploaded_at)}。`;
}

// Shows `materials` in `list`; `base` is the owner's address (/api/v1/agencies/{id}). Each
// change calls `changed(owner)` with the owner the API answered, to show it again.
export function showMaterials(list, base, materials, { editable, changed, signal }) {
  const rows = materials.map((m) => {
    const row = $("#material-row").content.firstElementChild.cloneNode(true);
    row.dataset.material = m.id;
    const name = $('[data-field="name"]', row);
    const file = $('[data-field="file"]', row);
    const error = $('[data-field="error"]', row);
    name.value = m.name;
    $('[data-field="state"]', row).textContent = stateText(m);
    for (const control of row.querySelectorAll("input, button")) control.disabled = !editable;
    const path = `${base}/materials/${m.id}`;
    const act = async (work) => {
      message(error, "");
      try {
        changed(await work());
      } catch (failure) {
        const fields = failure.fields || [];
        message(error, fields.length ? fields.map((f) => chinese(f.message)).join("；") : failure.message);
      }
    };
    $('[data-action="rename"]', row).addEventListener("click", () =>
      act(async () => ownerOf((await call("PATCH", path, { name: name.value.trim() })).data)),
    );
    $('[data-action="remove"]', row).addEventListener("click", () =>
      act(async () => (await call("DELETE", path)).data),
    );
    const checkChosen = async () => {
      const chosen = file.files[0];
      const refused = chosen ? await refusal(chosen) : "请先选择图片文件。";
      message(error, refused);
      return refused ? null : chosen;
    };
    file.addEventListener("change", checkChosen);
    $('[data-action="upload"]', row).addEventListener("click", async () => {
      const chosen = await checkChosen();
      if (chosen) act(async () => ownerOf((await upload(`${path}/file`, chosen)).data));
    });
    if (m.uploaded) preview($("img.preview", row), `${path}/file`, signal).catch(() => {});
    $("img.preview", row).alt = `${m.name}（预览）`;
    return row;
  });
  list.replaceChildren(...rows);
  if (!materials.length) list.append(element("li", "尚未添加材料。", { class: "hint" }));
}

// 添加材料: a new 「未命名材料」 to name and save before uploading.
export async function addMaterial(base) {
  return ownerOf((await post(`${base}/materials`, {})).data);
}

// The API answers {material, agency} or {material, practitioner}: the owner is shown again.
function ownerOf(answer) {
  return answer.agency || answer.practitioner;
}

