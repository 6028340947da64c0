// Haechi's only script. Starts Blazor with the page's language (so the on-device hashing island
// shows the same language), decodes a chosen photo to RGBA pixels in the browser (nothing here sends
// a photo anywhere: the island hashes the pixels in WebAssembly and posts only the hashes), and shows
// the progress of staff uploads (forms marked data-upload-progress; without script they post as usual),
// and the victim pages' quick exit. It loads nothing from another site.
if (!globalThis.haechiStarted) {
    globalThis.haechiStarted = true;
    // Haechi's own error and not-found pages carry no Blazor script.
    globalThis.Blazor?.start({ webAssembly: { applicationCulture: document.documentElement.lang || "ko" } });
    document.addEventListener("submit", uploadWithProgress);
    document.addEventListener("click", quickExitClick);
    document.addEventListener("keydown", quickExitKey);
}

// Quick exit: the link goes to a neutral page; with script it replaces this page in the tab's history
// (Back does not come back here) and the Esc key does the same on any page that shows the button.
function quickExitClick(event) {
    const link = event.target instanceof Element ? event.target.closest("a[data-quick-exit]") : null;
    if (link) {
        event.preventDefault();
        location.replace(link.href);
    }
}

function quickExitKey(event) {
    if (event.key !== "Escape" || event.defaultPrevented || event.isComposing) {
        return;
    }

    const link = document.querySelector("a[data-quick-exit]");
    if (link) {
        location.replace(link.href);
    }
}

// Local previews of the chosen photos: object URLs of the files in the page's memory, never uploaded.
export function previews(input) {
    return Array.from(input.files, (file) => URL.createObjectURL(file));
}

export function revoke(urls) {
    for (const url of urls ?? []) {
        URL.revokeObjectURL(url);
    }
}

// Copies text to the clipboard; true when it worked.
export async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        const area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.append(area);
        area.select();
        const done = document.execCommand("copy");
        area.remove();
        return done;
    }
}

// Saves text as a file made on this device (a Blob): nothing is sent anywhere.
export function saveText(fileName, text) {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Posts the form by XMLHttpRequest to show upload progress, then follows the server's redirect
// (the page with the outcome). A file over data-max-bytes is refused before a byte is sent.
function uploadWithProgress(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) {
        return;
    }

    const file = form.querySelector("input[type=file]")?.files?.[0];
    const status = form.querySelector("[data-upload-status]");
    const bar = form.querySelector("progress");
    const button = form.querySelector("button[type=submit]");
    const say = (text) => { status.textContent = text; status.hidden = false; };
    event.preventDefault();
    if (file && Number(form.dataset.maxBytes) > 0 && file.size > Number(form.dataset.maxBytes)) {
        say(form.dataset.tooLarge);
        return;
    }

    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) {
            bar.max = e.total;
            bar.value = e.loaded;
            say(Math.floor((100 * e.loaded) / e.total) + "%");
        }
    });
    const failed = () => { say(form.dataset.failed); button.disabled = false; bar.hidden = true; };
    request.addEventListener("load", () => request.status < 400 && request.responseURL ? location.assign(request.responseURL) : failed());
    request.addEventListener("error", failed);
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    request.send(new FormData(form));
}

// Decodes input.files[index] with EXIF orientation applied, shrinking by the largest integer factor
// that keeps both sides at least minSide (as the server's decoder does), and returns
// [width u32 LE, height u32 LE, RGBA bytes...].
export async function decode(input, index, minSide) {
    const bitmap = await createImageBitmap(input.files[index], { imageOrientation: "from-image" });
    try {
        const factor = Math.max(1, Math.floor(Math.min(bitmap.width, bitmap.height) / minSide));
        const width = Math.max(1, Math.round(bitmap.width / factor));
        const height = Math.max(1, Math.round(bitmap.height / factor));
        const canvas = new OffscreenCanvas(width, height);
        const context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(bitmap, 0, 0, width, height);
        const rgba = context.getImageData(0, 0, width, height).data;
        const result = new Uint8Array(8 + rgba.length);
        const header = new DataView(result.buffer);
        header.setUint32(0, width, true);
        header.setUint32(4, height, true);
        result.set(rgba, 8);
        return result;
    } finally {
        bitmap.close();
    }
}
