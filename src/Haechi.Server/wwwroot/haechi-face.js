// The face step of /protect, loaded only after the victim's separate face consent. It runs ONNX Runtime
// Web (served by this site, never another origin) on the face models this server converted, whose
// SHA-256 is checked here before they are used. It receives model inputs the WebAssembly island made
// from her photo's pixels (the shared C# arithmetic, Haechi.Core FaceGeometry) and gives back the
// models' outputs: nothing here sends her photo or its pixels anywhere.
let ort = null;
let detector = null;
let embedder = null;

// setup: { runtime, runtimeBase, detectorUrl, detectorSha256, embedderUrl, embedderSha256 }
export async function load(setup) {
    if (detector && embedder) {
        return;
    }

    ort = await import(setup.runtime);
    ort.env.wasm.wasmPaths = setup.runtimeBase;
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    const [detectorBytes, embedderBytes] = await Promise.all([
        pinned(setup.detectorUrl, setup.detectorSha256),
        pinned(setup.embedderUrl, setup.embedderSha256),
    ]);
    const options = { executionProviders: ["wasm"], graphOptimizationLevel: "all" };
    detector = await ort.InferenceSession.create(detectorBytes, options);
    embedder = await ort.InferenceSession.create(embedderBytes, options);
}

// Fetches a model from this site and refuses it unless its SHA-256 is the one the server's manifest names.
async function pinned(url, sha256) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
        throw new Error("model " + response.status);
    }

    const bytes = new Uint8Array(await response.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    if (hex !== sha256) {
        throw new Error("model hash");
    }

    return bytes;
}

function floats(bytes) {
    // A copy, so the floats are aligned whatever the offset of the bytes the island passed.
    return new Float32Array(bytes.slice().buffer);
}

function join(arrays) {
    const total = arrays.reduce((n, a) => n + a.length, 0);
    const result = new Float32Array(total);
    let at = 0;
    for (const a of arrays) {
        result.set(a, at);
        at += a.length;
    }

    return new Uint8Array(result.buffer);
}

// input: float32 LE bytes of [1,256,256,3]; returns scores_16, scores_32, boxes_16, boxes_32 as float32 LE bytes, in that order.
export async function detect(input) {
    const tensor = new ort.Tensor("float32", floats(input), [1, 256, 256, 3]);
    const out = await detector.run({ [detector.inputNames[0]]: tensor });
    return join([out.scores_16.data, out.scores_32.data, out.boxes_16.data, out.boxes_32.data]);
}

// input: float32 LE bytes of [1,224,224,3]; returns the embedding (float32 LE bytes).
export async function embed(input) {
    const tensor = new ort.Tensor("float32", floats(input), [1, 224, 224, 3]);
    const out = await embedder.run({ [embedder.inputNames[0]]: tensor });
    return new Uint8Array(new Float32Array(out.embedding.data).buffer);
}

// The photo decoder the registration step uses (haechi.js; the page has already loaded it, so importing runs nothing again).
export { decode } from "/haechi.js";

// A local preview of the chosen photo: a blob: URL of the file on this device (nothing is uploaded).
export function preview(input, index) {
    return URL.createObjectURL(input.files[index]);
}

export function release(url) {
    if (url) {
        URL.revokeObjectURL(url);
    }
}
