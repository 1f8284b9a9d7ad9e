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

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

class Counter {
  private readonly series = new Map<string, { labels: Labels; value: number }>();

  add(labels: Labels, amount: number): void {
    const key = formatLabels(labels);
    const entry = this.series.get(key);
    if (entry) entry.value += amount;
    else this.series.set(key, { labels, value: amount });
  }

  lines(name: string): string[] {
    return [...this.series.values()].map(({ labels, value }) => `${name}${formatLabels(labels)} ${value}`);
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  observe(labels: Labels, value: number): void {
    const key = formatLabels(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    LATENCY_BUCKETS.forEach((bound, index) => {
      if (value <= bound) entry.counts[index]! += 1;
    });
    entry.sum += value;
    entry.count += 1;
  }

  lines(name: string): string[] {
    return [...this.series.values()].flatMap(({ labels, counts, sum, count }) => [
      ...LATENCY_BUCKETS.map(
        (bound, index) => `${name}_bucket${formatLabels({ ...labels, le: String(bound) })} ${counts[index]}`,
      ),
      `${name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${count}`,
      `${name}_sum${formatLabels(labels)} ${sum}`,
      `${name}_count${formatLabels(labels)} ${count}`,
    ]);
  }
}

/**
 * The server's Prometheus metrics, kept in memory and written in the text exposition format
 * (version 0.0.4): requests by route, method, dialect and status; request latency by route;
 * content keys issued by tenant and dialect.
 */
export class ServerMetrics {
  private readonly requests = new Counter();
  private readonly latency = new Histogram();
  private readonly keysIssued = new Counter();

  /** Counts one answered request and its latency. */
  recordRequest(observation: RequestObservation): void {
    const { route, method, dialect, status, seconds } = observation;
    this.requests.add({ route, method, dialect, status: String(status) }, 1);
    this.latency.observe({ route }, seconds);
  }

  /** Counts the content keys a key-exchange answer carried. */
  recordKeysIssued(tenant: string, dialect: string, count: number): void {
    this.keysIssued.add({ tenant, dialect }, count);
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
      '# HELP cpixkit_keys_issued_total Content keys delivered in CPIX answers, by tenant and dialect.',
      '# TYPE cpixkit_keys_issued_total counter',
      ...this.keysIssued.lines('cpixkit_keys_issued_total'),
      '',
    ].join('\n');
  }
}
