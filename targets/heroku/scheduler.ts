/** Heroku Scheduler: which of its fixed frequencies runs a cron schedule, exactly or as the nearest option. */

export interface SchedulerChoice {
  /** What to pick in the Scheduler dashboard, e.g. `every day at 03:00 UTC`. */
  option: string;
  exact: boolean;
}

const two = (n: number) => String(n).padStart(2, '0');
const isNum = (s: string | undefined) => s !== undefined && /^[0-9]+$/.test(s);

/**
 * Dev Center "Heroku Scheduler": jobs run every 10 minutes, every hour at :00/:10/…/:50, or every day at a
 * half-hour slot (UTC). Anything else (weekdays, several hours, other steps) has no exact equivalent.
 */
export function schedulerChoice(expr: string): SchedulerChoice {
  const freq = herokuSchedulerFrequency(expr);
  const [m, h] = expr.trim().split(/\s+/);
  if (freq === 'every 10 minutes') return { option: 'every 10 minutes', exact: true };
  if (freq === 'every hour') {
    const min = Number(m);
    const slot = Math.min(50, Math.round(min / 10) * 10);
    return { option: `every hour at :${two(slot)}`, exact: slot === min };
  }
  if (freq === 'every day') {
    const min = Number(m);
    const total = Number(h) * 60 + Math.round(min / 30) * 30;
    const at = total % (24 * 60);
    return { option: `every day at ${two(Math.floor(at / 60))}:${two(at % 60)} UTC`, exact: min % 30 === 0 };
  }
  // Nearest option: keep the time of day when the schedule has one, else the hourly minute, else the finest interval.
  if (isNum(m) && isNum(h)) return { option: schedulerChoice(`${m} ${h} * * *`).option, exact: false };
  if (isNum(m)) return { option: schedulerChoice(`${m} * * * *`).option, exact: false };
  return { option: 'every 10 minutes', exact: false };
}

/** The Scheduler frequency that runs a schedule exactly, when it is a fixed interval, else null. */
function herokuSchedulerFrequency(expr: string): 'every 10 minutes' | 'every hour' | 'every day' | null {
  const [m, h, dom, mon, dow] = expr.trim().split(/\s+/);
  if (dom !== '*' || mon !== '*' || dow !== '*') return null;
  if (h === '*' && (m === '*/10' || m === '0,10,20,30,40,50')) return 'every 10 minutes';
  if (h === '*' && /^[0-9]+$/.test(m!)) return 'every hour';
  if (/^[0-9]+$/.test(h!) && /^[0-9]+$/.test(m!)) return 'every day';
  return null;
}
