import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Where `npm run build` puts the console (apps/console/build.mjs): next to the compiled
 * control plane, dist/apps/console/public. Resolved from this file, so it holds in dist/ and in
 * the Docker image alike.
 */
export const CONSOLE_ROOT = join(import.meta.dirname, '..', '..', '..', 'console', 'public');

/**
 * Gives Fastify `reply.sendFile` (@fastify/static with `serve: false`): the console's routes are
 * a Nest controller, so the route-access table and the API-key guard see them like any other,
 * while @fastify/static does the file serving (content types, ETag, ranges, no path escapes).
 */
@Injectable()
export class ConsoleAssets implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  get built(): boolean {
    return existsSync(join(CONSOLE_ROOT, 'index.html'));
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Registered once per server; the console's routes pass CONSOLE_ROOT with every file, so
    // they do not depend on which registration decorated the reply.
    if (fastify.hasReplyDecorator('sendFile')) return;
    void fastify.register(fastifyStatic, { root: CONSOLE_ROOT, serve: false });
  }
}
