/** Upper bounds (seconds) of the request latency histogram's buckets. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/** One answered request, as {@link ServerMetrics.recordRequest} counts it. */
export interface RequestObservation {
  /** The route pattern (`/keys/:tenantId/:kid`), never the raw URL, or `unmatched`. */
  route: string;
  method: string;
  /** The CPIX dialect for key-exchange routes, `none` elsewhere. */
  dialect: string;
  status: number;
  seconds: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `name="value",…` for the label names and values, escaped; without braces. */
function formatLabels(names: readonly string[], values: readonly string[]): string {
  return names.map((name, index) => `${name}="${escapeLabel(values[index]!)}"`).join(',');
}

/**
 * The series of one metric by label values. Lookups walk a tree of maps, one level per label, so
 * that counting builds no key string; each series' label text is formatted once, when it appears,
 * and series are written in the order they appeared.
 */
class SeriesTable<T> {
  private readonly root = new Map<string, unknown>();
  private readonly inOrder: Array<{ labels: string; series: T }> = [];

  constructor(
    private readonly labelNames: readonly string[],
    private readonly create: () => T,
  ) {}

  get(values: readonly string[]): T {
    let node = this.root;
    const last = values.length - 1;
    for (let index = 0; index < last; index += 1) {
      let next = node.get(values[index]!) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(values[index]!, next);
      }
      node = next;
    }
    let series = node.get(values[last]!) as T | undefined;
    if (series === undefined) {
      series = this.create();
      node.set(values[last]!, series);
      this.inOrder.push({ labels: formatLabels(this.labelNames, values), series });
    }
    return series;
  }

  /** Every series with its label text (`name="value",…`), in the order they appeared. */
  all(): ReadonlyArray<{ labels: string; series: T }> {
    return this.inOrder;
  }
}

class Counter {
  private readonly table: SeriesTable<{ value: number }>;

  constructor(labelNames: readonly string[]) {
    this.table = new SeriesTable(labelNames, () => ({ value: 0 }));
  }

  add(values: readonly string[], amount: number): void {
    this.table.get(values).value += amount;
  }

  lines(name: string): string[] {
    return this.table.all().map(({ labels, series }) => `${name}{${labels}} ${series.value}`);
  }
}

class Histogram {
  /** Per series: observations that fell in each bucket and no lower one (cumulated when written). */
  private readonly table: SeriesTable<{ counts: number[]; sum: number; count: number }>;

  constructor(labelNames: readonly string[]) {
    this.table = new SeriesTable(labelNames, () => ({ counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 }));
  }

  observe(values: readonly string[], value: number): void {
    const entry = this.table.get(values);
    const bucket = LATENCY_BUCKETS.findIndex((bound) => value <= bound);
    if (bucket !== -1) entry.counts[bucket]! += 1;
    entry.sum += value;
    entry.count += 1;
  }

  lines(name: string): string[] {
    return this.table.all().flatMap(({ labels, series: { counts, sum, count } }) => {
      let cumulative = 0;
      return [
        ...LATENCY_BUCKETS.map((bound, index) => {
          cumulative += counts[index]!;
          return `${name}_bucket{${labels},le="${bound}"} ${cumulative}`;
        }),
        `${name}_bucket{${labels},le="+Inf"} ${count}`,
        `${name}_sum{${labels}} ${sum}`,
        `${name}_count{${labels}} ${count}`,
      ];
    });
  }
}

/**
 * The server's Prometheus metrics, kept in memory and written in the text exposition format
 * (version 0.0.4): requests by route, method, dialect and status; request latency by route;
 * content keys issued by dialect, and by tenant id only when `tenantLabels` is set (tenant ids
 * name customers: whoever reads the metrics learns them).
 */
export class ServerMetrics {
  private readonly requests = new Counter(['route', 'method', 'dialect', 'status']);
  private readonly latency = new Histogram(['route']);
  private readonly keysIssued: Counter;
  private readonly tenantLabels: boolean;

  constructor(options: { tenantLabels?: boolean } = {}) {
    this.tenantLabels = options.tenantLabels ?? false;
    this.keysIssued = new Counter(this.tenantLabels ? ['tenant', 'dialect'] : ['dialect']);
  }

  /** Counts one answered request and its latency. */
  recordRequest(observation: RequestObservation): void {
    const { route, method, dialect, status, seconds } = observation;
    this.requests.add([route, method, dialect, String(status)], 1);
    this.latency.observe([route], seconds);
  }

  /** Counts the content keys a key-exchange answer carried. */
  recordKeysIssued(tenant: string, dialect: string, count: number): void {
    this.keysIssued.add(this.tenantLabels ? [tenant, dialect] : [dialect], count);
  }

  /** The metrics in Prometheus text format. */
  render(): string {
    return [
      '# HELP cpixkit_http_requests_total HTTP requests answered, by route pattern, method, CPIX dialect and status.',
      '# TYPE cpixkit_http_requests_total counter',
      ...this.requests.lines('cpixkit_http_requests_total'),
      '# HELP cpixkit_http_request_duration_seconds Time to answer a request, by route pattern.',
      '# TYPE cpixkit_http_request_duration_seconds histogram',
      ...this.latency.lines('cpixkit_http_request_duration_seconds'),
      `# HELP cpixkit_keys_issued_total Content keys delivered in CPIX answers, by ${this.tenantLabels ? 'tenant and ' : ''}dialect.`,
      '# TYPE cpixkit_keys_issued_total counter',
      ...this.keysIssued.lines('cpixkit_keys_issued_total'),
      '',
    ].join('\n');
  }
}
