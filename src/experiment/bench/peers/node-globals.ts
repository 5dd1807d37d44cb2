// What the peers need from Node to run on Dawn (the `webgpu` package), as they do in a browser:
// - `navigator.gpu`: TensorFlow.js's WebGPU backend and onnxruntime-web test for it before
//   starting, although both then use the device they are given;
// - queue.writeBuffer from a SharedArrayBuffer view: onnxruntime-web's wasm memory is shared
//   (its threaded build), and dawn.node rejects such views ("Invalid argument"), which a browser
//   accepts. The shim copies those (and only those) into a plain buffer first.
// Node only (the CLI and tests call it); the page never does.

let installed = false;

export async function installNodePeerGlobals(device: GPUDevice): Promise<void> {
  if (installed) return;
  installed = true;
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    const pkg = 'webgpu';
    const mod = (await import(/* @vite-ignore */ pkg)) as { create: (o: string[]) => GPU; globals: object };
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  const proto = Object.getPrototypeOf(device.queue) as GPUQueue;
  const writeBuffer = proto.writeBuffer;
  proto.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, offset: number, data: BufferSource, dataOffset?: number, size?: number) {
    if (ArrayBuffer.isView(data) && typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer) {
      const el = (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const n = size ?? data.byteLength / el - (dataOffset ?? 0);
      const copy = new Uint8Array(new Uint8Array(data.buffer, data.byteOffset + (dataOffset ?? 0) * el, n * el));
      return writeBuffer.call(this, buffer, offset, copy, 0, n * el);
    }
    return writeBuffer.call(this, buffer, offset, data, dataOffset, size);
  };
}
