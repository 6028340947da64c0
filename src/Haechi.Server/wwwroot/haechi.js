// Haechi's only script. Starts Blazor with the page's language (so the on-device hashing island
// shows the same language), decodes a chosen photo, or frames of a chosen video, to RGBA pixels in the browser (nothing here sends
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
// [width, height, source width, source height (u32 LE), RGBA bytes...]. The photo and face steps share it.
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
        const result = new Uint8Array(16 + rgba.length);
        const header = new DataView(result.buffer);
        header.setUint32(0, width, true);
        header.setUint32(4, height, true);
        header.setUint32(8, bitmap.width, true);
        header.setUint32(12, bitmap.height, true);
        result.set(rgba, 16);
        return result;
    } finally {
        bitmap.close();
    }
}

// Videos, read on the device (nothing here sends a video anywhere): openVideo loads input.files[index]
// into a muted, detached <video>, measures its frame rate from the frames the browser presents while
// it plays for a moment, and returns a handle; videoFrame seeks to the middle of frame n, waits until
// that frame is presented and returns [width u32 LE, height u32 LE, presented media time f64 LE,
// RGBA bytes...] scaled so the longer side is at most maxSide; closeVideo lets the file go.
// A video the browser cannot decode rejects with "unreadable", one without a picture with "no-video".
const commonRates = [23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60, 90, 120];

export async function openVideo(input, index, maxBytes) {
    const file = input.files[index];
    if (file.size > maxBytes) {
        throw new Error("too-large");
    }

    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.preload = "auto";
    // In the page (tiny, all but transparent, hidden from assistive technology) so the browser presents its frames.
    video.setAttribute("aria-hidden", "true");
    video.style.cssText = "position:fixed;left:0;bottom:0;width:2px;height:2px;opacity:0.01;pointer-events:none";
    document.body.appendChild(video);
    const url = URL.createObjectURL(file);
    const handle = { video, url, canvas: null, context: null };
    try {
        await new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("unreadable")), 20000);
            video.addEventListener("loadeddata", () => { clearTimeout(timer); resolve(); }, { once: true });
            video.addEventListener("error", () => { clearTimeout(timer); reject(new Error("unreadable")); }, { once: true });
            video.src = url;
        });
        if (!(video.videoWidth > 0 && video.videoHeight > 0)) {
            throw new Error("no-video");
        }

        let duration = video.duration;
        if (!Number.isFinite(duration)) {
            // Some WebM files state no duration: seeking far past the end makes the browser find it.
            video.currentTime = 1e7;
            await once(video, "seeked", 10000);
            duration = video.duration;
        }

        handle.fps = await measureFrameRate(video);
        handle.duration = duration;
        handle.width = video.videoWidth;
        handle.height = video.videoHeight;
        return handle;
    } catch (e) {
        closeVideo(handle);
        throw e.message === "no-video" ? e : new Error("unreadable");
    }
}

export function videoInfo(handle) {
    return [handle.duration, handle.fps, handle.width, handle.height];
}

export function closeVideo(handle) {
    handle.video.removeAttribute("src");
    handle.video.load();
    handle.video.remove();
    URL.revokeObjectURL(handle.url);
}

export async function videoFrame(handle, n, maxSide) {
    const video = handle.video;
    const target = Math.min((n + 0.5) / handle.fps, Math.max(0, handle.duration - 0.0005));
    const presented = presentedFrame(video, 2000);
    const seeked = once(video, "seeked", 20000);
    video.currentTime = target;
    await seeked;
    const mediaTime = await presented;
    const scale = Math.min(1, maxSide / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.max(1, Math.round(video.videoWidth * scale));
    const height = Math.max(1, Math.round(video.videoHeight * scale));
    if (!handle.canvas || handle.canvas.width !== width || handle.canvas.height !== height) {
        handle.canvas = new OffscreenCanvas(width, height);
        handle.context = handle.canvas.getContext("2d", { willReadFrequently: true });
        handle.context.imageSmoothingQuality = "high";
    }

    handle.context.drawImage(video, 0, 0, width, height);
    const rgba = handle.context.getImageData(0, 0, width, height).data;
    const result = new Uint8Array(16 + rgba.length);
    const header = new DataView(result.buffer);
    header.setUint32(0, width, true);
    header.setUint32(4, height, true);
    header.setFloat64(8, mediaTime ?? -1, true);
    result.set(rgba, 16);
    return result;
}

function once(target, name, timeout) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("unreadable")), timeout);
        target.addEventListener(name, () => { clearTimeout(timer); resolve(); }, { once: true });
    });
}

// The media time of the next frame the browser presents, or null when it says nothing in time.
function presentedFrame(video, timeout) {
    if (!("requestVideoFrameCallback" in video)) {
        return Promise.resolve(null);
    }

    return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), timeout);
        video.requestVideoFrameCallback((_, metadata) => { clearTimeout(timer); resolve(metadata.mediaTime); });
    });
}

// Plays the video (muted) for up to 24 presented frames and measures the step between two presented
// frames' media times; snapped to the nearest common rate within 0.5 % (29.97 and 30 are told apart:
// the media times are the frames' own timestamps). 30 when the browser presents too few frames to tell.
async function measureFrameRate(video) {
    if (!("requestVideoFrameCallback" in video)) {
        return 30;
    }

    const times = [];
    await new Promise((resolve) => {
        const timer = setTimeout(resolve, 4000);
        const next = (_, metadata) => {
            times.push(metadata.mediaTime);
            if (times.length >= 24 || video.ended) {
                clearTimeout(timer);
                resolve();
            } else {
                video.requestVideoFrameCallback(next);
            }
        };
        video.requestVideoFrameCallback(next);
        video.play().catch(() => { clearTimeout(timer); resolve(); });
    });
    video.pause();
    const steps = [];
    for (let i = 1; i < times.length; i++) {
        steps.push(times[i] - times[i - 1]);
    }

    // One frame's step is the shortest; a longer one is a frame the browser dropped. The mean of the
    // one-frame steps evens out timestamps rounded to the container's clock (WebM: milliseconds).
    const shortest = Math.min(...steps.filter((d) => d > 0.001));
    const single = steps.filter((d) => d > 0.001 && d < shortest * 1.5);
    if (!Number.isFinite(shortest) || single.length === 0) {
        return 30;
    }

    const rate = single.length / single.reduce((a, b) => a + b, 0);
    let near = null;
    for (const r of commonRates) {
        if (Math.abs(r - rate) / r < 0.005 && (near === null || Math.abs(r - rate) < Math.abs(near - rate))) {
            near = r;
        }
    }

    return near === 23.976 ? 24000 / 1001 : near === 29.97 ? 30000 / 1001 : near === 59.94 ? 60000 / 1001 : near ?? Math.round(rate * 100) / 100;
}
