/** Five-field cron expressions (minute hour day-of-month month day-of-week), as cron and the platforms' schedulers accept them. */

const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: null },
  { name: 'hour', min: 0, max: 23, names: null },
  { name: 'day of month', min: 1, max: 31, names: null },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

/** Returns an error message, or null when the expression is valid. */
export function checkCron(expr: string): string | null {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return `a cron schedule has 5 fields (minute hour day-of-month month day-of-week); this one has ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i]!;
    const err = checkField(parts[i]!, f.min, f.max, f.names);
    if (err) return `${f.name} field ${JSON.stringify(parts[i])}: ${err}`;
  }
  return null;
}

function checkField(field: string, min: number, max: number, names: readonly string[] | null): string | null {
  for (const item of field.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return 'more than one `/`';
    if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) return `step ${JSON.stringify(step)} is not a positive number`;
    if (range === '*') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2) return `${JSON.stringify(range)} is not a value or a range`;
    const nums: number[] = [];
    for (const b of bounds) {
      const n = toNumber(b, names, min);
      if (n === null) return `${JSON.stringify(b)} is not a number${names ? ' or a name' : ''}`;
      if (n < min || n > max) return `${n} is outside ${min}-${max}`;
      nums.push(n);
    }
    if (nums.length === 2 && nums[0]! > nums[1]!) return `range ${range} runs backwards`;
  }
  return null;
}

function toNumber(s: string, names: readonly string[] | null, min: number): number | null {
  if (/^[0-9]{1,2}$/.test(s)) return Number(s);
  const i = names?.indexOf(s.toLowerCase()) ?? -1;
  return i >= 0 ? i + min : null;
}
