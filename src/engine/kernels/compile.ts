// Compiling a kernel's committed binary (base64, see scripts/build-kernels.ts).

/** The kernel's module, or null where it cannot run: no WebAssembly, no SIMD, or a content policy that forbids compiling it. */
export function compileKernel(base64: string): WebAssembly.Module | null {
  try {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}
