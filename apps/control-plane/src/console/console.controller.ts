import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@cuewire/platform';
import { CONSOLE_ROOT, ConsoleAssets } from './console-assets.js';

/** Fingerprinted bundles never change under a name; index.html must be fetched fresh to find the current ones. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const FRESH = 'no-cache';

/**
 * The web console (apps/console): static files, no key needed to load them. The console then
 * calls the public REST API with the key the user signs in with, like any other client.
 * Paths that are not files fall back to index.html, so a reload on a console URL works.
 */
@ApiExcludeController()
@Public()
@Controller('console')
export class ConsoleController {
  constructor(private readonly assets: ConsoleAssets) {}

  @Get()
  async index(@Res() reply: FastifyReply): Promise<void> {
    await this.sendIndex(reply);
  }

  @Get('*')
  async file(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = new URL(req.url, 'http://console').pathname.replace(/^\/console\/?/, '');
    if (path.startsWith('assets/')) {
      this.requireBuilt();
      await reply.header('cache-control', IMMUTABLE).sendFile(path, CONSOLE_ROOT, { cacheControl: false });
      return;
    }
    await this.sendIndex(reply);
  }

  private async sendIndex(reply: FastifyReply): Promise<void> {
    this.requireBuilt();
    await reply.header('cache-control', FRESH).sendFile('index.html', CONSOLE_ROOT, { cacheControl: false });
  }

  private requireBuilt(): void {
    if (!this.assets.built) throw new NotFoundException({ title: 'The console is not built: run npm run build' });
  }
}
