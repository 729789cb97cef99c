import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import { routeOf } from './tracing/http.tracing.js';

const requestSeconds = new Histogram({
  name: 'cuewire_http_request_duration_seconds',
  help: 'HTTP requests served, by method, route template and status, with their duration',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
});

/** Every request, whatever answered it (a guard's 401, a 404, the handler). */
export function measureHttpRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    requestSeconds.observe({ method: request.method, route: routeOf(request), status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
