/**
 * The portable `size` as container resources. Memory follows the other targets' sizes (App Platform: 0.5, 1, 2, 4
 * and 8 GB); the memory limit equals the request, so a pod is never killed for using what it was scheduled with.
 * CPU is requested but not limited: a CPU limit throttles gunicorn workers even when the node is idle.
 */
import type { Size } from '../../src/model/model.js';

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
}

const TABLE: Record<Size, [cpu: string, memory: string]> = {
  tiny: ['250m', '512Mi'],
  small: ['500m', '1Gi'],
  medium: ['1', '2Gi'],
  large: ['2', '4Gi'],
  xlarge: ['4', '8Gi'],
};

export function resources(size: Size): Resources {
  const [cpu, memory] = TABLE[size];
  return { requests: { cpu, memory }, limits: { memory } };
}
