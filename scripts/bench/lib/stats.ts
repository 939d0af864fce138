// Histograms, generator self-checks and the one-JSON-line output.
import * as hdr from 'hdr-histogram-js';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export type Histogram = hdr.Histogram;

/** Latencies are recorded in microseconds, read back in milliseconds. */
export function histogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

/** A percentile in ms, or null when there are too few samples for it to mean anything. */
export function percentileMs(h: Histogram, p: number, minSamples = 10): number | null {
  if (h.totalCount < minSamples) return null;
  return round(h.getValueAtPercentile(p) / 1000);
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : round(a / b, 3);
}

/**
 * Watches this (generator) process: a busy CPU or a lagging event loop means the figures
 * measure the generator, not the server, and the run must say so.
 */
export interface GeneratorLoad {
  cpu: number;
  lagP99Ms: number;
  saturated: boolean;
  why: string;
}

export function generatorMonitor(): { stop(): GeneratorLoad } {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    stop() {
      lag.disable();
      const used = process.cpuUsage(cpu0);
      const wall = (performance.now() - t0) * 1000;
      const cpu = wall > 0 ? (used.user + used.system) / wall : 0;
      const lagP99Ms = lag.percentile(99) / 1e6;
      // Busy on its own, or starved by other processes on the machine: either way not measuring.
      const saturated = cpu > 0.9 || lagP99Ms > 50;
      const why = `generator ${cpu > 0.9 ? 'saturated' : 'stalled'} (cpu ${round(cpu, 2)}, event-loop lag p99 ${round(lagP99Ms, 1)} ms)`;
      return { cpu: round(cpu, 2), lagP99Ms: round(lagP99Ms, 1), saturated, why };
    },
  };
}

export interface Line {
  scenario: string;
  ceiling: number | null;
  ratio: number | null;
  valid?: boolean;
  reason?: string;
  [figure: string]: unknown;
}

export function invalid(scenario: string, reason: string, figures: Record<string, unknown> = {}): Line {
  return { scenario, ...figures, ceiling: (figures.ceiling as number | null) ?? null, ratio: (figures.ratio as number | null) ?? null, valid: false, reason };
}

/** Places valid/reason last so the figures read first; valid:true is implied when absent. */
export function printLine(line: Line): void {
  const { valid, reason, ...rest } = line;
  const out: Record<string, unknown> = { ...rest };
  if (valid === false) Object.assign(out, { valid: false, reason });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
