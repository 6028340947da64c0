// Haechi's only script. Starts Blazor with the page's language (so the on-device hashing island
// shows the same language) and decodes a chosen photo to RGBA pixels in the browser. Nothing here
// sends anything anywhere: the island hashes the pixels in WebAssembly and posts only the hashes.
if (!globalThis.haechiStarted) {
    globalThis.haechiStarted = true;
    Blazor.start({ webAssembly: { applicationCulture: document.documentElement.lang || "ko" } });
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
