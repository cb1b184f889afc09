/**
 * Fly Machine sizes. Presets from Fly's pricing page ("Started Fly Machines": shared-cpu-Nx comes with 256 MB per
 * vCPU, performance-Nx with 2 GB per vCPU); memory bounds from "Machine Sizing" (fly.io/docs/machines/guides-examples/
 * machine-sizing): a shared vCPU takes 256 MB to 2 GB, a performance vCPU 2 GB to 8 GB, in steps of 256 MB.
 * `fly.toml` `[[vm]]` takes `cpu_kind` (shared | performance), `cpus` (1, 2, 4, 8, 16) and `memory` ("512mb", "2gb").
 */
import type { Size } from '../../src/model/model.js';

export interface MachineSize {
  cpuKind: 'shared' | 'performance';
  cpus: 1 | 2 | 4 | 8 | 16;
  memoryMb: number;
}

export const PRESETS: Readonly<Record<string, MachineSize>> = {
  'shared-cpu-1x': { cpuKind: 'shared', cpus: 1, memoryMb: 256 },
  'shared-cpu-2x': { cpuKind: 'shared', cpus: 2, memoryMb: 512 },
  'shared-cpu-4x': { cpuKind: 'shared', cpus: 4, memoryMb: 1024 },
  'shared-cpu-8x': { cpuKind: 'shared', cpus: 8, memoryMb: 2048 },
  'performance-1x': { cpuKind: 'performance', cpus: 1, memoryMb: 2048 },
  'performance-2x': { cpuKind: 'performance', cpus: 2, memoryMb: 4096 },
  'performance-4x': { cpuKind: 'performance', cpus: 4, memoryMb: 8192 },
  'performance-8x': { cpuKind: 'performance', cpus: 8, memoryMb: 16384 },
  'performance-16x': { cpuKind: 'performance', cpus: 16, memoryMb: 32768 },
};

/**
 * The portable sizes, close to what the other targets give (App Platform: 0.5 GB, 1 GB, 2 GB, 2 vCPU/4 GB,
 * dedicated 2 vCPU/8 GB). A Django process with gunicorn workers needs more than the 256 MB of shared-cpu-1x.
 */
export const PORTABLE: Readonly<Record<Size, MachineSize>> = {
  tiny: { cpuKind: 'shared', cpus: 1, memoryMb: 512 },
  small: { cpuKind: 'shared', cpus: 1, memoryMb: 1024 },
  medium: { cpuKind: 'shared', cpus: 2, memoryMb: 2048 },
  large: { cpuKind: 'performance', cpus: 2, memoryMb: 4096 },
  xlarge: { cpuKind: 'performance', cpus: 2, memoryMb: 8192 },
};

/** `memory` as fly.toml writes it: whole gigabytes as "2gb", otherwise megabytes ("512mb"). */
export function memoryText(mb: number): string {
  return mb % 1024 === 0 ? `${mb / 1024}gb` : `${mb}mb`;
}

/** Megabytes of a fly.toml `memory` value (an integer is megabytes), or null when it is not one. */
export function memoryMb(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^(\d+)\s*(mb|gb|m|g)?$/i.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return /^g/i.test(m[2] ?? 'mb') ? n * 1024 : n;
}

/** Why Fly would refuse this CPU/memory combination, or null ("Machine Sizing" rules). */
export function sizeProblem(s: MachineSize): string | null {
  const [min, max] = s.cpuKind === 'shared' ? [256, 2048] : [2048, 8192];
  if (s.memoryMb % 256 !== 0) return `memory ${s.memoryMb} MB is not a multiple of 256 MB`;
  if (s.memoryMb < min * s.cpus || s.memoryMb > max * s.cpus) return `${s.cpus} ${s.cpuKind} vCPU(s) take ${min * s.cpus}-${max * s.cpus} MB, not ${s.memoryMb} MB`;
  return null;
}
