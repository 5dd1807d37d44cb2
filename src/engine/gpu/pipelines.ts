// Compute-pipeline cache keyed by shader source, entry point and override constants, with
// readable WGSL compile errors (line, column and the offending source line).

const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node;

export class ShaderCompileError extends Error {
  override name = 'ShaderCompileError';
}

export interface PipelineKey {
  label: string;
  code: string;
  entryPoint: string;
  constants?: Record<string, number>;
}

/** Formats compilation messages with the source line they point at. */
export function formatCompilationMessages(label: string, code: string, messages: readonly GPUCompilationMessage[]): string {
  const lines = code.split('\n');
  const out = messages.map((m) => {
    const src = m.lineNum > 0 ? lines[m.lineNum - 1] ?? '' : '';
    const caret = m.linePos > 0 ? `${' '.repeat(m.linePos - 1)}^` : '';
    return `${label}:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}\n  ${src}\n  ${caret}`;
  });
  return out.join('\n');
}

export class PipelineCache {
  private modules = new Map<string, Promise<GPUShaderModule>>();
  private pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  private module(label: string, code: string): Promise<GPUShaderModule> {
    let p = this.modules.get(code);
    if (!p) {
      p = (async () => {
        // The scope keeps a broken shader from also surfacing as an uncaptured error; the
        // compilation info below has the details.
        this.device.pushErrorScope('validation');
        const module = this.device.createShaderModule({ label, code });
        const scoped = this.device.popErrorScope();
        const info = await module.getCompilationInfo();
        await scoped;
        const errors = info.messages.filter((m) => m.type === 'error');
        if (errors.length > 0) throw new ShaderCompileError(formatCompilationMessages(label, code, errors));
        return module;
      })();
      this.modules.set(code, p);
      p.catch(() => this.modules.delete(code));
    }
    return p;
  }

  get(key: PipelineKey): Promise<GPUComputePipeline> {
    const constants = key.constants ?? {};
    const ck = Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',');
    const id = `${key.entryPoint}|${ck}|${key.code}`;
    let p = this.pipelines.get(id);
    if (!p) {
      p = (async () => {
        const module = await this.module(key.label, key.code);
        const desc: GPUComputePipelineDescriptor = {
          label: `${key.label}:${key.entryPoint}`,
          layout: 'auto',
          compute: { module, entryPoint: key.entryPoint, constants },
        };
        // dawn.node (webgpu 0.6.2) aborts the process in createComputePipelineAsync, and
        // crashes later when a validation scope is popped around pipeline creation, so Node
        // compiles synchronously without one (getCompilationInfo has already caught WGSL
        // errors); browsers compile off the main thread and report layout errors here.
        if (IS_NODE) return this.device.createComputePipeline(desc);
        try {
          return await this.device.createComputePipelineAsync(desc);
        } catch (e) {
          throw new ShaderCompileError(`${key.label}:${key.entryPoint}: ${(e as Error).message}`);
        }
      })();
      this.pipelines.set(id, p);
      p.catch(() => this.pipelines.delete(id));
    }
    return p;
  }
}
