/** Human forms of the API's numbers (seconds, rates, instants). */
export function days(seconds: number | null): string {
  if (seconds === null) return '–';
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

export function instant(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

export function label(phase: string): string {
  return phase.charAt(0) + phase.slice(1).toLowerCase().replaceAll('_', ' ');
}
