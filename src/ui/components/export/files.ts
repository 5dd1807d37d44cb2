// Files in and out of the page: saving bytes as a download, asking the Worker for an export
// and waiting for its reply (matched by request id), and reading chosen files as bytes.
import type { ExportFormat, WorkerEvent } from '../../../experiment/protocol';
import { onWorkerEvent, sendToWorker } from '../../store/client';

export function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `id-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Saves bytes or text as a file through a temporary link. */
export function download(name: string, mime: string, data: Uint8Array | string | Blob): void {
  const blob = data instanceof Blob ? data : new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface ExportedFile { name: string; mime: string; bytes: Uint8Array }

/** Asks the Worker for a file; resolves with it, or rejects with the Worker's message. */
export function requestExport(format: ExportFormat, runId: string | null, method: string | null): Promise<ExportedFile> {
  const requestId = newId();
  return new Promise((resolve, reject) => {
    const off = onWorkerEvent((e: WorkerEvent) => {
      if (e.type === 'worker-restarted') {
        off();
        reject(new Error(`${e.message} Try the export again.`));
      } else if ((e.type === 'export-file' || e.type === 'export-error') && e.requestId === requestId) {
        off();
        if (e.type === 'export-file') resolve({ name: e.name, mime: e.mime, bytes: e.bytes });
        else reject(new Error(e.message));
      }
    });
    sendToWorker({ type: 'export', requestId, format, runId, method });
  });
}

export async function readFiles(list: FileList | File[]): Promise<Array<{ name: string; bytes: Uint8Array }>> {
  return Promise.all([...list].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}
