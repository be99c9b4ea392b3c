/** What the bench reports about the machine: cores, clock and the FP32 peak it implies. */
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  mhz: number;
  /** FP32 FLOPs per cycle and core assumed for the peak (32 with AVX2 + FMA: two 8-wide FMA pipes). */
  flopsPerCycle: number;
  peakGflops: number;
  simd: string;
}

/** Reads /proc/cpuinfo (Linux) or `os.cpus()`; `peakGflops` overrides the estimate. */
export function machineInfo(peakGflops?: number): MachineInfo {
  const cpus = os.cpus();
  let flags = '';
  let cpuinfoMhz = 0;
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    flags = /^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '';
    cpuinfoMhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1] ?? 0);
  } catch {
    // not Linux: no flags, assume the common AVX2 + FMA
  }
  const has = (flag: string): boolean => new RegExp(`\\b${flag}\\b`).test(flags);
  const simd = has('avx512f')
    ? 'avx512'
    : has('avx2') && has('fma')
      ? 'avx2+fma'
      : has('avx')
        ? 'avx'
        : flags === ''
          ? 'unknown'
          : 'sse';
  // Zen 2–4 and most Intel cores retire two 256-bit FMAs per cycle (AVX-512 on Zen 4 is double-pumped).
  const flopsPerCycle = simd === 'avx' ? 16 : simd === 'sse' ? 8 : 32;
  const mhz = Math.round(cpus[0]?.speed || cpuinfoMhz);
  const cores = os.availableParallelism?.() ?? cpus.length;
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores,
    mhz,
    flopsPerCycle,
    peakGflops: peakGflops ?? (cores * mhz * 1e6 * flopsPerCycle) / 1e9,
    simd,
  };
}
