/** `targets.fly` with every default applied (defaults from the generated options module). */
import type { DeployModel, SpecPath } from '../../src/model/model.js';
import { DEFAULTS } from './options.gen.js';
import type { FlyOptionsSpec } from './options.gen.js';
import { nameMap } from '../../src/names.js';

export interface FlyOptions {
  /** The app name of the base file (environments add `-<name>`). */
  app: string;
  region: NonNullable<FlyOptionsSpec['region']>;
  sizes: Record<string, string>;
  autoStop: NonNullable<FlyOptionsSpec['auto_stop']>;
  minMachinesRunning: number;
  specPath: SpecPath;
}

export function flyOptions(raw: unknown, model: DeployModel): FlyOptions {
  const f = (raw ?? {}) as FlyOptionsSpec;
  return {
    app: f.app ?? model.name,
    region: f.region ?? DEFAULTS.region,
    sizes: nameMap(f.sizes),
    autoStop: f.auto_stop ?? DEFAULTS.auto_stop,
    minMachinesRunning: f.min_machines_running ?? DEFAULTS.min_machines_running,
    specPath: ['targets', 'fly'],
  };
}
