// Preloaded into every measured server (hub or bare): answers the bench over the IPC channel with
// its heap figures after a full GC, so the hub itself needs no bench-only route.
const proc = process;
const gc = (globalThis as { gc?: () => void }).gc; // present with --expose-gc

proc.on('message', (message: unknown) => {
  if (message !== 'mem') return;
  // Two passes: the first may only schedule finalisers that free more in the second.
  gc?.();
  gc?.();
  proc.send?.({ mem: process.memoryUsage() });
});
// The IPC channel must not keep a server alive after its own shutdown.
proc.channel?.unref();
