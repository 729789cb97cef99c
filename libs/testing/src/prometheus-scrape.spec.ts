import { parsePrometheusText, sumOf } from './prometheus-scrape.js';

describe('Prometheus text parsing (for the e2e scrapes)', () => {
  const text = [
    '# HELP cuewire_kafka_consumer_lag Records behind',
    '# TYPE cuewire_kafka_consumer_lag gauge',
    'cuewire_kafka_consumer_lag{group="g",topic="t",partition="0"} 4',
    'cuewire_kafka_consumer_lag{group="g",topic="t",partition="1"} 3',
    'cuewire_http_request_duration_seconds_count{method="POST",route="/v1/events",status="202"} 12',
    'cuewire_endpoint_state{webhook="a \\"quoted\\" id",state="open"} 1',
    'process_start_time_seconds 1700000000',
    '',
  ].join('\n');

  it('reads names, labels and values, and sums the samples that match some labels', () => {
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(5);
    expect(sumOf(samples, 'cuewire_kafka_consumer_lag', { group: 'g' })).toBe(7);
    expect(sumOf(samples, 'cuewire_kafka_consumer_lag', { group: 'other' })).toBe(0);
    expect(sumOf(samples, 'cuewire_endpoint_state', { webhook: 'a "quoted" id' })).toBe(1);
    expect(sumOf(samples, 'process_start_time_seconds')).toBe(1_700_000_000);
  });
});
